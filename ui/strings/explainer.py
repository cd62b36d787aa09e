"""Strings of the Explainer page (written for a classroom: short, plain words)."""

STRINGS = {
    "explainer.title": {"ko": "컴퓨터는 어떻게 색을 칠할까?", "en": "How does the computer add colour?"},
    "explainer.intro": {
        "ko": "컴퓨터는 사진을 **밝기(L)** 와 두 가지 **색 정보(a, b)** 로 나누어 봅니다. 흑백 사진에는 밝기만 있고, "
        "인공지능은 비어 있는 a와 b를 추측해서 채웁니다. 먼저 컬러 사진이 어떻게 시작되었는지 보고, "
        "이어서 사진 한 장을 단계별로 살펴보세요.",
        "en": "The computer splits a photo into **lightness (L)** and two **colour channels (a and b)**. "
        "A black-and-white photo only has lightness; the network guesses the missing a and b. "
        "First see how colour photography began, then follow one photo step by step.",
    },
    "explainer.source": {"ko": "살펴볼 사진", "en": "Photo to explore"},
    "explainer.source_gallery": {"ko": "갤러리 사진", "en": "Gallery photo"},
    "explainer.source_upload": {"ko": "내 사진 올리기", "en": "Upload my photo"},
    "explainer.pick": {"ko": "갤러리에서 고르기", "en": "Pick from the gallery"},
    "explainer.no_gallery": {"ko": "갤러리에 사진이 없습니다.", "en": "The gallery has no photos."},
    "explainer.upload_label": {"ko": "사진 파일", "en": "Photo file"},
    "explainer.upload_help": {
        "ko": "사진은 이 세션의 메모리에서만 처리되고 저장되지 않습니다. 컬러 사진을 올리면 정답과 비교한 점수도 볼 수 있습니다.",
        "en": "Your photo is processed in this session's memory only and is never saved. "
        "Upload a colour photo to also see scores against its real colours.",
    },
    "explainer.waiting": {
        "ko": "사진을 올리면 여기에 단계별 설명이 나타납니다.",
        "en": "Upload a photo and the step-by-step explanation appears here.",
    },
    "explainer.working": {"ko": "색을 추측하는 중…", "en": "Guessing the colours…"},
    # Step 1: how colour photography began (a Prokudin-Gorskii glass plate)
    "explainer.plate_heading": {"ko": "1. 컬러 사진은 어떻게 시작되었을까?", "en": "1. How colour photography began"},
    "explainer.plate_intro": {
        "ko": "색은 픽셀마다 숫자 세 개, 곧 빨강·초록·파랑 빛이 얼마나 있는지로 나타냅니다. 1910년 무렵 세르게이 "
        "프로쿠딘고르스키의 카메라는 한 장면을 파랑, 초록, 빨강 필터를 차례로 대고 흑백 사진 세 장으로 찍었습니다. "
        "세 장은 유리판 한 장에 위아래로 나란히 찍혔습니다.",
        "en": "Colour is three numbers per pixel: how much red, green and blue light there is. Around 1910 Sergei "
        "Prokudin-Gorskii's camera took three black-and-white photos of one scene, one after another through a blue, "
        "a green and a red filter, one above the other on a single glass plate.",
    },
    "explainer.plate_blue_name": {"ko": "파랑 필터", "en": "Blue filter"},
    "explainer.plate_green_name": {"ko": "초록 필터", "en": "Green filter"},
    "explainer.plate_red_name": {"ko": "빨강 필터", "en": "Red filter"},
    "explainer.plate_colour_name": {"ko": "세 장을 합치면", "en": "All three combined"},
    "explainer.plate_blue": {
        "ko": "흑백 사진 한 장. 파란 빛을 많이 낸 곳이 밝게 찍혔습니다.",
        "en": "A black-and-white photo: bright where the scene sent back much blue light.",
    },
    "explainer.plate_green": {
        "ko": "흑백 사진 한 장. 초록 빛을 많이 낸 곳이 밝게 찍혔습니다.",
        "en": "A black-and-white photo: bright where the scene sent back much green light.",
    },
    "explainer.plate_red": {
        "ko": "흑백 사진 한 장. 빨간 빛을 많이 낸 곳이 밝게 찍혔습니다.",
        "en": "A black-and-white photo: bright where the scene sent back much red light.",
    },
    "explainer.plate_combined": {
        "ko": "세 장이 각 픽셀의 세 숫자(빨강, 초록, 파랑)가 되어 색이 돌아옵니다.",
        "en": "Each photo becomes one of the three numbers of every pixel (red, green, blue), and the colour returns.",
    },
    "explainer.plate_model": {
        "ko": "1910년의 카메라는 필터를 끼우고 흑백 사진 세 장을 찍어 세 숫자를 모두 얻었습니다. 우리 모델에게는 흑백 "
        "사진 한 장, 곧 밝기(L)만 있어서 나머지 두 숫자를 추측해야 합니다. 아래 단계에서 그 과정을 살펴보세요.",
        "en": "In 1910 the camera took three black-and-white photos through filters and so had all three numbers. "
        "Our model has only one black-and-white photo, the lightness (L), and must guess the other two. "
        "The steps below show how.",
    },
    "explainer.plate_whole": {
        "ko": "유리판 전체 보기 (위에서부터 파랑, 초록, 빨강 필터)",
        "en": "See the whole glass plate (top to bottom: blue, green, red filter)",
    },
    "explainer.plate_whole_caption": {
        "ko": "스캔한 유리판 그대로입니다. 세 번 찍는 사이에 카메라와 사람이 조금씩 움직여서, 합치기 전에 세 장을 "
        "몇 픽셀씩 맞추어 정렬했습니다.",
        "en": "The plate as scanned. The camera and the sitters moved a little between the three exposures, so the "
        "three were lined up by a few pixels before being combined.",
    },
    "explainer.plate_missing": {
        "ko": "유리판 그림이 없습니다. gallery/build_plate.py로 다시 만들어 주세요.",
        "en": "The glass plate pictures are missing; rebuild them with gallery/build_plate.py.",
    },
    "explainer.model_pick": {
        "ko": "이제 우리 모델을 살펴봅시다. 사진 한 장을 고르세요.",
        "en": "Now our model: pick a photo and follow it step by step.",
    },
    # Step 2: channels
    "explainer.channels_heading": {"ko": "2. 사진을 세 장으로 나누기", "en": "2. One photo, three channels"},
    "explainer.l_caption": {
        "ko": "L (밝기): 흑백 사진에 이미 들어 있는 정보입니다. 인공지능은 이것만 보고 색을 추측합니다.",
        "en": "L (lightness): what the black-and-white photo already has. The network sees only this.",
    },
    "explainer.a_caption": {
        "ko": "a 채널 (추측): 초록색 ↔ 빨간색. 회색은 둘 다 아닌 곳입니다. 밝기는 일정하게 맞췄습니다.",
        "en": "a channel (guessed): green ↔ red. Gray means neither. Shown at one constant lightness.",
    },
    "explainer.b_caption": {
        "ko": "b 채널 (추측): 파란색 ↔ 노란색. 회색은 둘 다 아닌 곳입니다. 밝기는 일정하게 맞췄습니다.",
        "en": "b channel (guessed): blue ↔ yellow. Gray means neither. Shown at one constant lightness.",
    },
    "explainer.result_caption": {
        "ko": "L + a + b를 합친 결과: 원래 밝기에 추측한 색을 더했습니다.",
        "en": "L + a + b together: the original lightness with the guessed colours.",
    },
    # Step 4: the ab plane
    "explainer.ab_heading": {"ko": "4. 색 지도 위의 추측", "en": "4. The guesses on a colour map"},
    "explainer.ab_caption": {
        "ko": "가로축은 a(초록→빨강), 세로축은 b(파랑→노랑)입니다. 가운데는 회색이고, 가운데에서 멀수록 진한 색입니다. "
        "진하게 칠해진 칸일수록 그 색으로 칠해진 픽셀이 많습니다.",
        "en": "Across is a (green → red), up is b (blue → yellow). The centre is gray; the further out, the stronger "
        "the colour. Darker cells mean more pixels were given that colour.",
    },
    "explainer.ab_axis_a": {"ko": "a: 초록 ← → 빨강", "en": "a: green ← → red"},
    "explainer.ab_axis_b": {"ko": "b: 파랑 ← → 노랑", "en": "b: blue ← → yellow"},
    "explainer.ab_hover": {
        "ko": "a = %{x:.0f}, b = %{y:.0f}<br>픽셀의 %{customdata}%",
        "en": "a = %{x:.0f}, b = %{y:.0f}<br>%{customdata}% of the pixels",
    },
    # Step 5: saturation strip
    "explainer.strip_heading": {"ko": "5. 네트워크가 보는 것에서 진한 색까지", "en": "5. From what the network sees to strong colour"},
    "explainer.strip_caption": {
        "ko": "색의 진하기 0은 네트워크가 받는 흑백 사진 그대로이고, 1은 네트워크가 추측한 색, 1.5는 그 색을 더 진하게 한 것입니다.",
        "en": "Strength 0 is exactly what the network is given; 1 is the network's own guess; 1.5 makes it stronger.",
    },
    "explainer.strip_item": {"ko": "색의 진하기 {s}", "en": "Colour strength {s}"},
    # Step 6: scores for this photo
    "explainer.scores_heading": {"ko": "6. 정답과 얼마나 비슷할까?", "en": "6. How close is it to the real colours?"},
    "explainer.scores_intro": {
        "ko": "이 사진은 원래 컬러였으므로 정답과 비교할 수 있습니다. 우리 결과와 색이 전혀 없는 흑백 사진을 같은 자로 재어 봅니다.",
        "en": "This photo was in colour, so we can compare with the truth. Our result and the plain black-and-white "
        "version are measured with the same rulers.",
    },
    "explainer.scores_none": {
        "ko": "이 사진은 원래 컬러 사진이 없어서 점수를 잴 수 없습니다. 원본 컬러가 있는 갤러리 사진이나 컬러 사진을 올려 보세요.",
        "en": "There is no colour original for this photo, so there is nothing to score against. "
        "Pick a gallery photo that has its original colours, or upload a colour photo.",
    },
    "explainer.scores_trained": {
        "ko": "주의: 모델이 학습 중에 이 사진을 보았기 때문에 점수가 실제보다 좋게 나올 수 있습니다.",
        "en": "Careful: the model saw this photo during training, so these scores may look better than on a new photo.",
    },
    "explainer.scores_working": {"ko": "점수를 계산하는 중…", "en": "Working out the scores…"},
    "explainer.ours": {"ko": "{metric} · 우리 결과", "en": "{metric} · our result"},
    "explainer.gray": {"ko": "{metric} · 흑백", "en": "{metric} · black & white"},
    "explainer.truth_colourfulness": {
        "ko": "참고로 원본 사진의 색감 점수는 {value}입니다.",
        "en": "For reference, the original photo's colourfulness is {value}.",
    },
    "explainer.higher": {"ko": "높을수록 좋음", "en": "higher is better"},
    "explainer.lower": {"ko": "낮을수록 좋음", "en": "lower is better"},
    "explainer.closer": {"ko": "원본에 가까울수록 좋음", "en": "closest to the original is best"},
    "explainer.psnr_name": {"ko": "PSNR", "en": "PSNR"},
    "explainer.psnr_explain": {
        "ko": "픽셀 하나하나의 색이 정답과 얼마나 같은지 (단위 dB).",
        "en": "How close every single pixel's colour is to the truth (in dB).",
    },
    "explainer.ssim_name": {"ko": "SSIM", "en": "SSIM"},
    "explainer.ssim_explain": {
        "ko": "무늬와 경계 같은 구조가 정답과 얼마나 닮았는지 (최대 1).",
        "en": "How alike the patterns and edges are to the truth (1 at most).",
    },
    "explainer.lpips_name": {"ko": "LPIPS", "en": "LPIPS"},
    "explainer.lpips_explain": {
        "ko": "다른 신경망이 보기에 두 사진이 얼마나 달라 보이는지 (0이면 똑같음).",
        "en": "How different the two photos look to another neural network (0 means identical).",
    },
    "explainer.colourfulness_name": {"ko": "색감", "en": "Colourfulness"},
    "explainer.colourfulness_explain": {
        "ko": "사진에 색이 얼마나 풍부한지 (흑백은 0, 보통 컬러 사진은 40 안팎).",
        "en": "How much colour the photo has (0 for black and white, about 40 for a typical colour photo).",
    },
    # The whole validation set (shown under the quality panel)
    "explainer.fid_explain": {
        "ko": "FID: 결과 사진 전체의 분위기가 진짜 사진들과 얼마나 다른지 (낮을수록 좋음, 사진 여러 장이 있어야 잴 수 있음).",
        "en": "FID: how different our results look, as a whole set, from real photos "
        "(lower is better; it needs many photos, so there is no FID for one photo).",
    },
}
