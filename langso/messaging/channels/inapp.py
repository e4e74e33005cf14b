"""In-app messages: the message is shown to its recipient on the platform (a village's
feed, a resident's page), so taking it is delivering it. It is read when its recipient
opens it or follows its tracked link (`links.message_link`)."""

from __future__ import annotations

from ..models import Channel, Message
from .base import Sent, adapter_register, channel_rate


class InAppAdapter:
    def __init__(self) -> None:
        self.rate_per_second = channel_rate(Channel.INAPP)

    def send(self, message: Message) -> Sent:
        return Sent(delivered=True)


def register() -> None:
    adapter_register(Channel.INAPP, InAppAdapter)
