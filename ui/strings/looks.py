"""Strings of the Explainer's "two looks" step (the network sees the photo close up and from further away)."""

STRINGS = {
    "looks.heading": {"ko": "3. 두 번 보기: 가까이에서, 그리고 멀리서", "en": "3. Two looks: close up and from further away"},
    "looks.intro": {
        "ko": "네트워크는 사진을 두 번 봅니다. 가까이에서(긴 변 {close}픽셀로 줄인 사진) 볼 때는 윤곽과 질감 같은 "
        "세부를 보고, 멀리서({far}픽셀) 볼 때는 물체 하나가 주변과 함께 통째로 시야에 들어옵니다. 두 번 본 것이 "
        "각자 색을 추측하고, 결과는 두 추측을 섞은 것입니다(멀리서 본 추측이 {share}%). 한쪽이 헷갈려 물체 하나에 "
        "엉뚱한 색 얼룩을 칠하는 곳에서도, 다른 쪽은 그 물체가 무엇인지 알아보는 경우가 많습니다.",
        "en": "The network looks at the photo twice. Close up (the photo shrunk to {close} pixels on its long side) it "
        "sees details such as edges and textures; from further away ({far} pixels) each object fits whole in its view, "
        "together with its surroundings. Each look makes its own guess, and the result mixes the two guesses "
        "({share} % from the far look). Where one look is unsure and would give one object patches of unrelated "
        "colours, the other often knows what the object is.",
    },
    "looks.close_caption": {
        "ko": "가까이에서만 본 추측 ({size}픽셀)",
        "en": "The close look's guess alone ({size} px)",
    },
    "looks.far_caption": {
        "ko": "멀리서만 본 추측 ({size}픽셀)",
        "en": "The far look's guess alone ({size} px)",
    },
    "looks.both_caption": {
        "ko": "둘을 섞은 결과: 2단계의 결과와 같습니다.",
        "en": "Both mixed: the result of step 2.",
    },
    "looks.scene": {
        "ko": "네트워크는 사진 전체도 함께 압니다. 색을 추측하기 전에 사진 전체가 무엇을 보여 주는지(거리, "
        "바닷가, 인물 사진) 숫자 몇백 개로 요약하고, 모든 곳의 추측이 그 요약을 참고합니다. 그래서 물체의 가장자리가 "
        "멀리 있어도, 가까이에서는 무엇이든 될 수 있는 회색이 그 장면에 어울리는 색을 받습니다.",
        "en": "The network also knows the photo as a whole: before guessing any colour it sums up what "
        "the whole photo shows (a street, a beach, a portrait) in a few hundred numbers, and every spot's guess takes "
        "that summary into account. A gray that could be many things up close then gets a colour that suits the "
        "kind of scene it is in.",
    },
    "looks.fade": {
        "ko": "마지막으로, 회색인지 색이 있는지 네트워크가 헷갈리는 곳(흰 벽, 모래, 흐린 하늘)은 색을 옅게 합니다. "
        "'회색'과 '어떤 색'을 평균하면 어느 쪽도 아닌 옅은 색조가 생기기 때문입니다. 색이 있다고 확신하는 곳은 그만큼 "
        "색을 조금 더 받습니다. 이 페이지의 색은 모두 이 단계를 거친 것입니다.",
        "en": "Last, where the network is unsure whether a pixel is gray at all (a white wall, sand, an overcast sky), "
        "its colour is faded: the average of \"gray\" and \"a colour\" would be a faint tint that is neither. Pixels "
        "it is sure are coloured get that much colour back. Every colour on this page has been through this step.",
    },
    "looks.gray_caption": {
        "ko": "네트워크가 본 '회색일 가능성': 검은색은 색이 있다고 확신하는 곳, 밝을수록 회색일 가능성이 높아 색이 옅어지는 곳입니다.",
        "en": "How likely the network thinks each spot is gray: black where it is sure of a colour, the brighter the "
        "likelier gray, and the more that spot's colour fades.",
    },
    "looks.once": {
        "ko": "지금 쓰는 가중치는 사진을 {size}픽셀에서 한 번만 봅니다.",
        "en": "The weights in use look at the photo once, at {size} pixels.",
    },
}
