"""Strings shared by the whole site: navigation, footer, kiosk mode, photo errors."""

STRINGS = {
    "app.title": {"ko": "HueRevive – 흑백 사진에 색을 되살리다", "en": "HueRevive – bring black-and-white photos back to colour"},
    "nav.home": {"ko": "홈", "en": "Home"},
    "nav.gallery": {"ko": "갤러리", "en": "Gallery"},
    "nav.colorize": {"ko": "내 사진 색 입히기", "en": "Colorize a photo"},
    "nav.explainer": {"ko": "원리 살펴보기", "en": "How it works"},
    "nav.about": {"ko": "소개", "en": "About"},
    "footer.licence": {
        "ko": "코드: MIT 라이선스 · 인코더: EfficientNet-Lite0 (Apache-2.0) · 평가 지표: LPIPS (BSD) · "
        "사진: 갤러리의 출처와 라이선스를 참고하세요.",
        "en": "Code: MIT licence · Encoder: EfficientNet-Lite0 (Apache-2.0) · Metric: LPIPS (BSD) · "
        "Photos: see the credits in the gallery.",
    },
    "footer.privacy": {
        "ko": "올린 사진은 이 브라우저 세션의 메모리에서만 처리되며 저장되거나 다른 방문자에게 보이지 않습니다.",
        "en": "Photos you upload are processed in this browser session's memory only; "
        "they are never saved or shown to anyone else.",
    },
    "common.before": {"ko": "흑백", "en": "Black & white"},
    "common.after": {"ko": "컬러 복원", "en": "Colorized"},
    "common.original": {"ko": "원본 컬러", "en": "Original colours"},
    # Photo errors: one friendly message per kind of bad file.
    "error.not_image": {
        "ko": "‘{name}’ 파일은 사진으로 읽을 수 없습니다. JPEG, PNG, WebP, TIFF, BMP 형식의 사진을 올려 주세요.",
        "en": "“{name}” could not be read as a photo. Please upload a JPEG, PNG, WebP, TIFF or BMP image.",
    },
    "error.truncated": {
        "ko": "‘{name}’ 파일이 손상되었거나 중간에 잘려 있습니다. 원본 파일을 다시 올려 주세요.",
        "en": "“{name}” is damaged or cut short. Please upload the original file again.",
    },
    "error.too_large": {
        "ko": "‘{name}’ 사진이 너무 큽니다. 최대 {limit} 메가픽셀까지 처리할 수 있습니다. 크기를 줄여서 다시 올려 주세요.",
        "en": "“{name}” is too large: the limit is {limit} megapixels. Please resize it and upload it again.",
    },
    "error.empty": {
        "ko": "‘{name}’ 파일이 비어 있습니다 (0바이트).",
        "en": "“{name}” is empty (0 bytes).",
    },
    "error.unreadable": {
        "ko": "‘{name}’ 파일을 읽을 수 없습니다.",
        "en": "“{name}” could not be read.",
    },
    "error.details": {"ko": "자세한 내용: {reason}", "en": "Details: {reason}"},
    # Kiosk mode
    "kiosk.title": {"ko": "흑백 사진에 색을 되살리다", "en": "Bringing black-and-white photos back to colour"},
    "kiosk.hint": {
        "ko": "사진 위의 선을 좌우로 밀어 흑백과 컬러를 비교해 보세요.",
        "en": "Slide the line across the photo to compare black-and-white with colour.",
    },
    "kiosk.prev": {"ko": "◀ 이전", "en": "◀ Previous"},
    "kiosk.next": {"ko": "다음 ▶", "en": "Next ▶"},
    "kiosk.counter": {"ko": "{n} / {total}", "en": "{n} of {total}"},
    "kiosk.attract": {"ko": "화면을 눌러 시작하세요", "en": "Touch to begin"},
    "kiosk.empty": {
        "ko": "전시할 사진이 없습니다. 관리자에게 문의하세요.",
        "en": "There are no photos to show. Please ask a member of staff.",
    },
    "kiosk.preparing": {"ko": "사진을 준비하고 있습니다…", "en": "Preparing the photo…"},
    "kiosk.credit": {"ko": "출처: {credit} · {licence}", "en": "Credit: {credit} · {licence}"},
    "kiosk.room": {"ko": "전시실 {n}/{total} · {title}", "en": "Room {n} of {total} · {title}"},
    "kiosk.truth": {"ko": "실제 색", "en": "The real colours"},
}
