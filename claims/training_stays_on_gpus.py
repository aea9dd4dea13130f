"""Claim training-stays-on-gpus: training stays on NVIDIA GPUs because of CUDA."""

from __future__ import annotations

import datetime

from kanguri import Anchor, L, define

claim = define(
    "training-stays-on-gpus",
    statement=L(
        ja="推論は専用チップに移っても、学習は NVIDIA の GPU に残る。みんな CUDA が好きだからだ。",
        en="Inference may move to dedicated chips, but training stays on NVIDIA GPUs, because everyone loves CUDA.",
    ),
    question=L(
        ja="大規模な学習は、これからも NVIDIA の GPU で行われ続けるか。その理由は CUDA か。",
        en="Will large-scale training keep running on NVIDIA GPUs, and is CUDA the reason?",
    ),
    reason=L(
        ja="これは市場の先行きについての予測で、どんな実験でも決着しません。今の市場の姿は測れますが、それが続くかどうか、またその理由が CUDA なのか、性能や供給や価格なのかは、実験では切り分けられません。",
        en="This is a forecast about a market, and no experiment can settle it. Today's market can be measured, but "
        "whether it lasts, and whether the reason is CUDA rather than performance, supply or price, cannot be "
        "separated by an experiment.",
    ),
    anchors=[
        Anchor(
            cite="MLCommons 2026, MLPerf Training v6.0 results",
            url="https://mlcommons.org/2026/06/mlperf-training-v6-0-results/",
            theirs=L(
                ja="学習の手法は収束しつつある一方、それを動かすフレームワークとシステムは多様になっている",
                en="training practice is converging while the frameworks and systems that run it grow more diverse",
            ),
            locator="opening quote by the Training working group co-chair",
            quote="there is increasing technical diversity in the underlying frameworks and systems that are being "
            "used to host and run them",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
)
