"""Feed queue triggers from Azure Queue Storage (Azurite) with the host's retry and poison rules.

A failed attempt makes the message visible again after ``retry_delay`` seconds; once a message has
been dequeued ``max_dequeue`` times (host.json ``maxDequeueCount``: 5) and fails again, it is copied to
``<queue>-poison`` and deleted from its queue.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from azure.functions.queue import QueueMessage as FunctionQueueMessage

from shared.ports.storage import QueueMessage, Queues
from shared.services.triggers import QueueTrigger, call_user_function

log = logging.getLogger("functions_host")


@dataclass(frozen=True)
class QueuePolicy:
    max_dequeue: int = 5
    retry_delay: int = 30  # host.json visibilityTimeout
    lease: int = 600  # invisible while a function runs (functionTimeout)
    batch: int = 16
    poll_interval: float = 0.5


def as_function_message(message: QueueMessage) -> FunctionQueueMessage:
    """The concrete message class the worker passes (``func.QueueMessage`` lacks dequeue_count)."""
    return FunctionQueueMessage(  # type: ignore[no-untyped-call]
        id=message.id,
        body=json.dumps(message.body).encode(),
        dequeue_count=message.dequeue_count,
        pop_receipt=message.pop_receipt,
    )


async def handle(queues: Queues, trigger: QueueTrigger, message: QueueMessage, policy: QueuePolicy) -> bool:
    """Run the function on one message; True when it succeeded."""
    try:
        await call_user_function(trigger, as_function_message(message))
    except Exception:
        log.exception(
            "queue %s: %s failed on message %s (dequeue %d)",
            trigger.queue,
            trigger.name,
            message.id,
            message.dequeue_count,
        )
        await asyncio.to_thread(_after_failure, queues, trigger.queue, message, policy)
        return False
    await asyncio.to_thread(queues.complete, trigger.queue, message)
    return True


def _after_failure(queues: Queues, queue: str, message: QueueMessage, policy: QueuePolicy) -> None:
    if message.dequeue_count >= policy.max_dequeue:
        queues.send(f"{queue}-poison", message.body)
        queues.complete(queue, message)
        log.warning("queue %s: message %s moved to %s-poison", queue, message.id, queue)
    else:
        queues.release(queue, message, delay=policy.retry_delay)


async def pump(queues: Queues, trigger: QueueTrigger, policy: QueuePolicy) -> None:
    """Poll the trigger's queue forever and run the function on each message, one batch at a time."""
    while True:
        try:
            batch = await asyncio.to_thread(queues.receive, trigger.queue, policy.batch, policy.lease)
        except Exception:
            log.exception("queue %s: receive failed", trigger.queue)
            batch = []
        for message in batch:
            await handle(queues, trigger, message, policy)
        if not batch:
            await asyncio.sleep(policy.poll_interval)
