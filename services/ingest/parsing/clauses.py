"""Whether a short Russian line says what happened (a clause) or names a thing.

A headline reports an event, so it holds a finite verb ("Ипотечные ставки
снизятся", "Банки повысили ставки", "В Оше открыли парк"); a subheading
inside a story or a photo's caption names something the story tells ("Новые
ставки", "прогулка по новому парку"). Verbs are told by endings no common
noun or adjective has (reflexive forms, the present after a vowel, "-ят",
"-ил", "-или", "-шел", "подписал", "увеличит"). Endings nouns share
("кредит", "депозит", "результат", "правила", "канал", "детали") are left
unread: a verb in one of those shapes goes unseen, and few nouns are taken
for verbs ("автомобили").
"""

from __future__ import annotations

import re

_FINITE_VERB = re.compile(
    r"(?<![^\W\d_])[а-яё]{2,}"
    r"(?:тся|ться|л(?:ся|ась|ось|ись)"  # снизятся, открылся, договорились
    r"|[аеиоуыэюя](?:ет|ют|ёт)"  # подорожает, рекомендуют, поёт
    r"|[бвгджзклмнпрстфхцчшщ]ят|[чшжщ]ат|[дгжш]ут"  # снизят, ограничат, введут
    r"|(?:н|д|ст)ёт|(?:ид|йд|ед|ст)ет|[чпсвжшл]ит"  # начнёт, пройдет, увеличит
    r"|ил|[иыя]ли|ял|ыл[аои]?|нул[аои]?|ш(?:ел|ёл|ла|ло|ли)|рос(?:ла|ло|ли)"  # повысил, открыли
    r"|(?:пис|каз|зн|п|бр|ов)ал[аио]?|(?:ч|ст)ал)"  # подписал, зарегистрировала
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


def says_what_happened(text: str) -> bool:
    """Whether ``text`` holds a Russian finite verb, as a headline does."""
    return _FINITE_VERB.search(text) is not None
