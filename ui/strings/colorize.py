"""Strings of the Colorize page."""

STRINGS = {
    "colorize.title": {"ko": "내 사진에 색 입히기", "en": "Colorize your photo"},
    "colorize.intro": {
        "ko": "흑백 사진을 올리거나 예시 사진을 고르면, 인공지능이 자연스러운 색을 추측해 입힙니다.",
        "en": "Upload a black-and-white photo or pick a sample, and the model will guess natural colours for it.",
    },
    "colorize.source": {"ko": "사진 선택", "en": "Choose a photo"},
    "colorize.source_upload": {"ko": "내 사진 올리기", "en": "Upload my photo"},
    "colorize.source_sample": {"ko": "예시 사진", "en": "Sample photo"},
    "colorize.upload_label": {"ko": "사진 파일", "en": "Photo file"},
    "colorize.upload_help": {
        "ko": "JPEG, PNG, WebP, TIFF, BMP · 파일당 최대 {mb} MB · 최대 {mp} 메가픽셀. "
        "사진은 이 세션의 메모리에서만 처리되고 저장되지 않습니다.",
        "en": "JPEG, PNG, WebP, TIFF, BMP · up to {mb} MB per file · up to {mp} megapixels. "
        "Your photo is processed in this session's memory only and is never saved.",
    },
    "colorize.sample_label": {"ko": "예시 사진 고르기", "en": "Pick a sample"},
    "colorize.no_samples": {"ko": "예시 사진을 찾을 수 없습니다.", "en": "No sample photos were found."},
    "colorize.saturation": {"ko": "색의 진하기", "en": "Colour strength"},
    "colorize.saturation_help": {
        "ko": "0은 흑백, 1은 모델이 추측한 그대로, 2는 두 배로 진한 색입니다.",
        "en": "0 is black and white, 1 is the model's own colours, 2 doubles their strength.",
    },
    "colorize.waiting": {
        "ko": "사진을 올리거나 예시 사진을 고르면 여기에 결과가 나타납니다.",
        "en": "Upload a photo or pick a sample and the result appears here.",
    },
    "colorize.working": {"ko": "색을 입히는 중…", "en": "Colorizing…"},
    "colorize.done": {"ko": "완료 ({seconds}초)", "en": "Done ({seconds} s)"},
    "colorize.failed": {"ko": "이 사진은 처리할 수 없습니다", "en": "This photo could not be processed"},
    "colorize.time": {
        "ko": "처리 시간 {seconds}초 · 크기 {width}×{height} 픽셀",
        "en": "Processing time {seconds} s · size {width}×{height} pixels",
    },
    "colorize.download": {"ko": "컬러 사진 내려받기 (PNG, 원본 크기)", "en": "Download the colour photo (PNG, full size)"},
    "colorize.note": {
        "ko": "색은 모델의 추측입니다. 실제 역사적 색과 다를 수 있습니다.",
        "en": "The colours are the model's guess; they may differ from the real historical colours.",
    },
}
