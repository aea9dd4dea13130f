"""Claim brain-structure-and-emotion: today's AI is structurally far simpler than a brain; emotions will not
emerge on this path."""

from __future__ import annotations

import datetime

from kanguri import Anchor, L, define

claim = define(
    "brain-structure-and-emotion",
    statement=L(
        ja="今の AI は脳に比べて構造がずっと単純で、この延長線上で感情が生まれることはない。",
        en="Today's AI is structurally far simpler than a brain, and emotions will not emerge on this path.",
    ),
    question=L(
        ja="今の言語モデルは、構造の上で脳よりどれだけ単純か。この道の先で感情が生まれうるか。",
        en="How much simpler than a brain are today's language models in structure, and could emotions emerge "
        "further along this path?",
    ),
    reason=L(
        ja="前半の「構造が単純」は数えられますが、どの違いが効くのかは数だけでは決まりません。後半は未来の予測で、しかも「感情がある」と判定する合意された検査がありません。どの立場に立つかで答えが変わるため、実験では決着しません。",
        en="The first half, 'structurally simpler', can be counted, but counts alone do not say which differences "
        "matter. The second half is a forecast, and there is no agreed test for whether a system has emotions; the "
        "answer depends on which theory of emotion one holds, so no experiment can settle it.",
    ),
    anchors=[
        Anchor(
            cite="Barrett 2017, Soc. Cogn. Affect. Neurosci. 12(1), 1–23",
            url="https://pmc.ncbi.nlm.nih.gov/articles/PMC5390700",
            theirs=L(
                ja="感情は、体を予測し調整する脳が概念を使ってつくる（構成主義）",
                en="emotions are constructed by a brain that predicts and regulates its body, using concepts",
            ),
            locator="abstract",
            quote="The answer is a brain-based, computational account called the theory of constructed emotion.",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
)
