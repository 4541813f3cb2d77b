import os
import string

from infra.random_bytes import BLOCK_BYTES, random_bits, random_bytes, random_token


def test_random_bytes_have_the_length_asked_for_across_block_ends() -> None:
    lengths = [1, 7, 12, 16, 32, 100, BLOCK_BYTES, BLOCK_BYTES + 1]
    for _ in range(60):  # more than a block's worth, so refills happen between draws
        for length in lengths:
            assert len(random_bytes(length)) == length


def test_no_two_draws_hand_out_the_same_bytes() -> None:
    draws = [random_bytes(16) for _ in range(5 * BLOCK_BYTES // 16)]
    assert len(set(draws)) == len(draws)


def test_random_bits_stay_below_the_power_of_two_and_reach_its_top_bit() -> None:
    for bits in (1, 12, 50, 62):
        values = [random_bits(bits) for _ in range(400)]
        assert all(0 <= value < 2**bits for value in values)
        assert any(value >= 2 ** (bits - 1) for value in values)


def test_a_token_is_url_safe_base64_without_padding() -> None:
    alphabet = set(string.ascii_letters + string.digits + "-_")
    tokens = [random_token(24) for _ in range(100)]
    assert all(len(token) == 32 and set(token) <= alphabet for token in tokens)
    assert len(set(tokens)) == len(tokens)


def test_a_forked_child_does_not_hand_out_its_parents_bytes() -> None:
    random_bytes(1)  # the parent holds a block with bytes left in it
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reading)
        os.write(writing, random_bytes(64))
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        childs = pipe.read()
    os.waitpid(child, 0)
    assert len(childs) == 64
    assert random_bytes(64) != childs
