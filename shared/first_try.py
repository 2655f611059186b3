"""A call tried once before its tenacity policy is set up (issue 20).

Setting up tenacity's retry loop costs about 0.06-0.1 ms of CPU a call, and almost every call succeeds at once. So
the first attempt runs bare; only an outcome the policy would retry hands over to it, as the policy's own first
attempt: replayed (raised or returned again), never sent again. The retries, waits, counts and what is raised or
returned when they run out are the policy's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tenacity import AsyncRetrying, Retrying


def once_then[T](
    send: Callable[[], T],
    policy: Callable[[], Retrying],
    retry_error: Callable[[BaseException], bool],
    retry_answer: Callable[[T], bool],
) -> T:
    """``send()``'s outcome; one the policy retries (an error, or an answer it asks again for) goes to ``policy()``."""
    first: T | BaseException
    try:
        answer = send()
    except Exception as error:
        if not retry_error(error):
            raise
        first = error
    else:
        if not retry_answer(answer):
            return answer
        first = answer
    replay = [first]

    def attempt() -> T:
        if not replay:
            return send()
        outcome = replay.pop()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return policy()(attempt)


async def once_then_async[T](
    send: Callable[[], Awaitable[T]], policy: Callable[[], AsyncRetrying], retry_error: Callable[[BaseException], bool]
) -> T:
    """``await send()``; an error the policy retries goes to ``policy()`` as its failed first attempt."""
    try:
        return await send()
    except Exception as error:
        if not retry_error(error):
            raise
        replay: list[BaseException] = [error]

    async def attempt() -> T:
        if replay:
            raise replay.pop()
        return await send()

    result: T = await policy()(attempt)
    return result
