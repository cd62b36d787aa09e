"""Strings of the Home and About pages (and the shared model-quality panel)."""

STRINGS = {
    "home.title": {"ko": "HueRevive", "en": "HueRevive"},
    "home.tagline": {"ko": "흑백 사진에 자연스러운 색을 되살립니다.", "en": "Natural colour for black-and-white photos."},
    "home.what": {
        "ko": "HueRevive는 오래된 흑백 사진을 보고 하늘, 나무, 얼굴, 건물에 어울리는 색을 추측해 입혀 줍니다. "
        "갤러리에서 예시를 둘러보거나, 가지고 있는 사진을 올려 직접 색을 입혀 보세요.",
        "en": "HueRevive looks at an old black-and-white photo and guesses fitting colours for skies, trees, "
        "faces and buildings. Browse examples in the gallery, or upload a photo of your own and colorize it.",
    },
    "home.hero_hint": {
        "ko": "사진 위의 선을 좌우로 밀어 옛 흑백 사진과 모델이 입힌 색을 비교해 보세요.",
        "en": "Drag the line across the photo to compare the old black-and-white print with the model's colours.",
    },
    "home.cta_colorize": {"ko": "내 사진에 색 입히기", "en": "Colorize a photo"},
    "home.cta_gallery": {"ko": "갤러리 둘러보기", "en": "Browse the gallery"},
    "home.cta_explainer": {"ko": "원리 살펴보기", "en": "See how it works"},
    "home.how_short": {
        "ko": "모든 처리는 이 서버의 일반 CPU에서 인터넷 연결 없이 이루어집니다.",
        "en": "Everything runs on this server's ordinary CPU, with no internet connection.",
    },
    "quality.title": {"ko": "모델은 얼마나 잘할까요?", "en": "How good is the model?"},
    "quality.none": {
        "ko": "아직 평가 보고서가 없습니다. 그래서 품질 수치를 보여 드릴 수 없습니다.",
        "en": "No evaluation report is available yet, so there are no quality figures to show.",
    },
    "quality.intro": {
        "ko": "학습에 쓰지 않은 사진 {images}장으로 측정했습니다. 같은 사진을 그냥 흑백으로 둔 경우와 비교합니다.",
        "en": "Measured on {images} photos the model never saw in training, compared with leaving them in black and white.",
    },
    "quality.metric": {"ko": "지표", "en": "Measure"},
    "quality.model": {"ko": "HueRevive", "en": "HueRevive"},
    "quality.grayscale": {"ko": "흑백 그대로", "en": "Plain black & white"},
    "quality.truth": {"ko": "실제 컬러 사진", "en": "Real colour photos"},
    "quality.better": {"ko": "좋은 방향", "en": "Better is"},
    "quality.higher": {"ko": "높을수록", "en": "higher"},
    "quality.lower": {"ko": "낮을수록", "en": "lower"},
    "quality.closer": {"ko": "실제 사진에 가까울수록", "en": "closer to real photos"},
    "quality.psnr": {"ko": "PSNR (dB): 원본 색과 픽셀 단위로 얼마나 가까운가", "en": "PSNR (dB): pixel-level closeness to the real colours"},
    "quality.ssim": {"ko": "SSIM: 구조가 얼마나 비슷한가", "en": "SSIM: how similar the structure looks"},
    "quality.lpips": {"ko": "LPIPS: 사람 눈에 보이는 차이 (신경망 기반)", "en": "LPIPS: perceived difference (network-based)"},
    "quality.fid": {"ko": "FID: 사진 전체의 분포가 실제와 얼마나 다른가", "en": "FID: how far the whole set's statistics are from real photos"},
    "quality.gray_tint": {
        "ko": "회색 위의 색조: 실제로 회색인 곳(흰 벽, 눈, 흐린 하늘)에 칠한 색의 양",
        "en": "Tint on gray: how much colour goes where the real photo is gray (white walls, snow, overcast skies)",
    },
    "quality.colourfulness": {"ko": "색채감 (Hasler–Süsstrunk)", "en": "Colourfulness (Hasler–Süsstrunk)"},
    "quality.short": {
        "ko": "평가용 사진 {images}장에서 PSNR {psnr} dB (흑백 그대로: {gray_psnr} dB), LPIPS {lpips} (흑백: {gray_lpips}).",
        "en": "On {images} held-out photos: PSNR {psnr} dB (plain black & white: {gray_psnr} dB), "
        "LPIPS {lpips} (black & white: {gray_lpips}).",
    },
    "about.title": {"ko": "HueRevive 소개", "en": "About HueRevive"},
    "about.how_title": {"ko": "어떻게 작동하나요?", "en": "How does it work?"},
    "about.how": {
        "ko": "사진을 밝기(L)와 두 가지 색 성분(a: 초록–빨강, b: 파랑–노랑)으로 나눕니다. "
        "신경망(EfficientNet-Lite0 인코더와 작은 디코더)은 밝기만 보고, 작은 크기에서 각 부분의 색 성분을 추측합니다. "
        "추측한 색은 원래 사진의 윤곽을 따라 원본 크기로 키워지고, 원본의 밝기와 합쳐집니다. "
        "그래서 세부 묘사와 선명함은 원본 그대로 유지됩니다.",
        "en": "The photo is split into lightness (L) and two colour components (a: green–red, b: blue–yellow). "
        "A neural network (an EfficientNet-Lite0 encoder with a small decoder) looks only at the lightness and "
        "guesses the colour components at a reduced size. The guessed colour is enlarged to full size following "
        "the photo's own edges and joined with the original lightness, so every detail and all the sharpness of "
        "the original are kept.",
    },
    "about.limits_title": {"ko": "한계", "en": "Limitations"},
    "about.limits": {
        "ko": "모델은 실제 색을 알 수 없고 그럴듯한 색을 추측할 뿐입니다. 옷이나 자동차처럼 어떤 색이든 될 수 있는 물체는 "
        "색이 옅거나 실제와 다를 수 있습니다. 역사 자료로 쓸 때는 추측된 색이라는 점을 밝혀 주세요.",
        "en": "The model cannot know the real colours; it guesses plausible ones. Objects that could be any colour, "
        "such as clothes or cars, may come out pale or differ from reality. When using a result as a historical "
        "document, please say that its colours are a guess.",
    },
    "about.model_title": {"ko": "모델 정보", "en": "Model details"},
    "about.model_version": {"ko": "가중치 버전: {version}", "en": "Weights version: {version}"},
    "about.model_unavailable": {"ko": "모델 정보를 읽을 수 없습니다: {reason}", "en": "Model details are unavailable: {reason}"},
    "about.credits_title": {"ko": "출처와 라이선스", "en": "Credits and licences"},
    "about.credits": {
        "ko": "- HueRevive 코드: MIT 라이선스\n"
        "- 인코더 EfficientNet-Lite0 사전학습 가중치: Apache-2.0\n"
        "- LPIPS 지표와 가중치: BSD-2-Clause\n"
        "- streamlit-image-coordinates ('색 고쳐 주기'에서 사진의 누른 점 읽기, Zachary Blackwood): MIT 라이선스\n"
        "- HueRevive 색 복원 가중치: 이 프로젝트에서 학습 (MIT)\n"
        "- 갤러리 사진: 미국 의회도서관 소장 옛 사진(알려진 이용 제한 없음), 공개 도메인 또는 CC0 – "
        "사진마다 출처와 이용 조건이 갤러리에 표시됩니다.",
        "en": "- HueRevive code: MIT licence\n"
        "- EfficientNet-Lite0 pretrained encoder weights: Apache-2.0\n"
        "- LPIPS metric and weights: BSD-2-Clause\n"
        "- streamlit-image-coordinates (reads where you tap the photo in “Fix a colour”, by Zachary Blackwood): "
        "MIT licence\n"
        "- HueRevive colorization weights: trained by this project (MIT)\n"
        "- Gallery photos: Library of Congress photographs (no known restrictions on publication), public domain "
        "or CC0 – each photo's credit and rights are shown in the gallery.",
    },
    "about.privacy_title": {"ko": "개인정보", "en": "Privacy"},
}
