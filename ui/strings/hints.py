"""Strings of the Colorize page's "fix a colour" mode (colour hints)."""

STRINGS = {
    "hints.mode": {"ko": "색 고쳐 주기", "en": "Fix a colour"},
    "hints.mode_help": {
        "ko": "사진의 한 점을 누르고 그 곳의 색을 골라 주면, 모델이 그 색을 따라 주변을 다시 칠합니다.",
        "en": "Tap a point of the photo and choose its colour; the model repaints around it to match.",
    },
    "hints.unavailable": {
        "ko": "'색 고쳐 주기'는 지금 쓸 수 없습니다: 현재 모델은 색 힌트 없이 학습되었습니다.",
        "en": "“Fix a colour” is not available: the current model was trained without colour hints.",
    },
    "hints.how": {
        "ko": "사진에서 색을 고칠 곳을 누르세요(마우스 클릭 또는 손가락 터치). 그다음 그 점의 색을 고르세요. "
        "다른 곳을 누르면 힌트가 하나 더 생깁니다.",
        "en": "Click or tap the spot whose colour you want to fix, then choose its colour. "
        "Tap another spot to add another hint.",
    },
    "hints.colour": {"ko": "고른 점의 색", "en": "Colour of the chosen point"},
    "hints.colour_help": {
        "ko": "마지막으로 누른 점의 색을 바꿉니다. 새로 누르는 점도 이 색으로 시작합니다.",
        "en": "Changes the colour of the point you tapped last; new points start with this colour.",
    },
    "hints.list": {"ko": "색 힌트 {n}개", "en": "Colour hints: {n}"},
    "hints.none": {"ko": "아직 힌트가 없습니다. 사진을 눌러 보세요.", "en": "No hints yet: tap the photo."},
    "hints.item": {"ko": "{n}. 위치 ({x}, {y}) · {colour}", "en": "{n}. at ({x}, {y}) · {colour}"},
    "hints.item_selected": {"ko": "(선택됨)", "en": "(chosen)"},
    "hints.remove": {"ko": "지우기", "en": "Remove"},
    "hints.remove_help": {"ko": "힌트 {n} 지우기", "en": "Remove hint {n}"},
    "hints.clear": {"ko": "힌트 모두 지우기", "en": "Remove all hints"},
    "hints.applied": {
        "ko": "색 힌트 {n}개가 적용되어 있습니다. 바꾸려면 '색 고쳐 주기'를 켜세요.",
        "en": "{n} colour hints are applied. Turn on “Fix a colour” to change them.",
    },
    "hints.time": {"ko": "힌트 반영 {seconds}초", "en": "Hints applied in {seconds} s"},
    "hints.error": {
        "ko": "이 색 힌트는 적용할 수 없습니다. 사진 안의 점을 눌러 주세요.",
        "en": "This colour hint could not be applied. Please tap a point inside the photo.",
    },
}
