"""Strings of the Gallery page."""

STRINGS = {
    "gallery.title": {"ko": "갤러리", "en": "Gallery"},
    "gallery.intro": {
        "ko": "옛 흑백 사진과 인공지능이 되살린 색을 나란히 비교해 보세요. 사진을 고르면 자세히 볼 수 있습니다.",
        "en": "Old black-and-white photos next to the colours our model brings back. Pick a photo to look closer.",
    },
    "gallery.count": {"ko": "사진 {n}장", "en": "{n} photos"},
    "gallery.empty": {
        "ko": "이 컬렉션에는 보여 줄 사진이 없습니다.",
        "en": "This collection has no photos to show.",
    },
    "gallery.problems": {
        "ko": "건너뛴 항목 {n}개 (컬렉션 설명 파일의 문제)",
        "en": "{n} entries skipped (problems in the collection's manifest)",
    },
    "gallery.open": {"ko": "자세히 보기", "en": "Look closer"},
    "gallery.selected": {"ko": "선택한 사진", "en": "Selected photo"},
    "gallery.compare_original": {"ko": "실제 색과 비교하기", "en": "Compare with the real colours"},
    "gallery.compare_original_help": {
        "ko": "이 사진은 실제 색이 남아 있습니다. 켜면 슬라이더 왼쪽에 흑백 대신 실제 색이 나옵니다.",
        "en": "This photo's real colours survive. Turn this on to see them on the slider's left side instead of "
        "black and white.",
    },
    "gallery.room_other": {"ko": "그 밖의 사진", "en": "More photos"},
    "gallery.trio_gray": {"ko": "흑백: 모델이 받는 사진", "en": "Black & white: what the model is given"},
    "gallery.trio_model": {"ko": "모델이 추측한 색", "en": "The model's guess"},
    "gallery.trio_truth": {"ko": "실제 색", "en": "The real colours"},
    "gallery.era": {"ko": "시대", "en": "Era"},
    "gallery.place": {"ko": "장소", "en": "Place"},
    "gallery.story": {"ko": "사진 이야기", "en": "The story"},
    "gallery.credit": {"ko": "출처", "en": "Credit"},
    "gallery.licence": {"ko": "라이선스·이용 조건", "en": "Licence / rights"},
    "gallery.source": {"ko": "원본 위치", "en": "Source"},
    "gallery.in_training_yes": {
        "ko": "이 사진은 모델 학습에 쓰였습니다. 그래서 결과가 실제보다 좋아 보일 수 있습니다.",
        "en": "The model saw this photo during training, so the result may look better than it would on a new photo.",
    },
    "gallery.in_training_no": {
        "ko": "모델은 학습 중에 이 사진을 본 적이 없습니다.",
        "en": "The model never saw this photo during training.",
    },
    "gallery.working": {"ko": "색을 입히는 중…", "en": "Colorizing…"},
    "gallery.photo_error": {
        "ko": "이 사진을 불러올 수 없습니다: {reason}",
        "en": "This photo could not be loaded: {reason}",
    },
}
