"""Strings of the Explainer's "what if?" step (one colour hint on a gallery photo)."""

STRINGS = {
    "whatif.heading": {"ko": "7. 이 색이라고 알려 주면?", "en": "7. What if you tell it the colour?"},
    "whatif.intro": {
        "ko": "사진의 한 점을 골라 색을 하나 알려 주세요. 가로·세로 막대로 점을 옮기고, 색은 오른쪽에서 고릅니다. "
        "둥근 표시가 고른 점입니다.",
        "en": "Choose one spot of the photo and tell the network its colour: move the spot with the two sliders "
        "and pick the colour on the right. The ring marks the spot.",
    },
    "whatif.x": {"ko": "가로 위치 (왼쪽 0% → 오른쪽 100%)", "en": "Across (left 0% → right 100%)"},
    "whatif.y": {"ko": "세로 위치 (위 0% → 아래 100%)", "en": "Down (top 0% → bottom 100%)"},
    "whatif.colour": {"ko": "이 점의 색", "en": "Colour of this spot"},
    "whatif.auto_caption": {
        "ko": "자동: 네트워크가 혼자 추측한 색입니다.",
        "en": "Automatic: the network's own guess.",
    },
    "whatif.hinted_caption": {
        "ko": "색 하나를 알려 준 결과: 표시한 점의 색은 {colour}입니다.",
        "en": "With one colour told: the marked spot is {colour}.",
    },
    "whatif.change_caption": {
        "ko": "색이 바뀐 곳: 검은색은 그대로, 밝을수록 많이 바뀌었습니다 (가장 밝은 노랑은 {full} 이상).",
        "en": "Where the colour changed: black is unchanged, the brighter the bigger the change "
        "(palest yellow: {full} or more).",
    },
    "whatif.spread": {
        "ko": "네트워크는 먼저 점 주변을 칠하고, 이어서 자기가 보기에 그 점과 닮은 곳으로 색을 더 멀리 퍼뜨립니다. "
        "멀어질수록 약해지고, 생김새가 달라지는 곳에서 멈춥니다.",
        "en": "The network first colours the spot's surroundings; then the colour spreads further over whatever "
        "looks like the spot to the network, fading with distance, and stops where the photo looks different.",
    },
    "whatif.share": {
        "ko": "색이 눈에 띄게 바뀐 곳: 사진의 {share}%",
        "en": "The colour changed noticeably over {share}% of the photo.",
    },
    "whatif.unavailable": {
        "ko": "이 단계에는 색 힌트로 학습한 모델이 필요합니다. 지금 모델은 색 힌트 없이 학습되었습니다.",
        "en": "This step needs a model trained with colour hints; the current model was trained without them.",
    },
    "whatif.error": {
        "ko": "이 색 힌트는 적용할 수 없습니다: {reason}",
        "en": "This colour hint could not be applied: {reason}",
    },
    "whatif.working": {"ko": "색을 다시 칠하는 중…", "en": "Repainting…"},
}
