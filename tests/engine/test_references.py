"""Case references cannot be guessed from one another (issue #18.2): 50 random bits, readable aloud."""

import datetime as dt
import math
import re

from engine.cases import _REF_ALPHABET
from engine.cases import new_reference

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone.utc)


def test_a_reference_carries_fifty_random_bits_in_an_unambiguous_alphabet():
    refs = {new_reference("X01", NOW) for _ in range(2000)}
    assert len(refs) == 2000
    for ref in refs:
        assert re.fullmatch(r"X01-261120-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", ref), ref
    assert 10 * math.log2(len(_REF_ALPHABET)) >= 50 and not set("ILOU") & set(_REF_ALPHABET)
    assert len(new_reference("7" * 12, NOW)) <= 37    # fits the column (40) with a suffix such as "-TE"
