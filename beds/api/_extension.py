"""A stay's longer-stay approval as the API shows it (part of every stay)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from beds.extension_selectors import user_display
from beds.models import ExtensionLimit, ExtensionState


class ExtensionSerializer(serializers.Serializer):
    """A stay's longer-stay approval: `none` (within the frame), `pending` (booked beyond the frame or the
    house's nights per month by staff, the bed held), `approved` or `declined` (shortened to the frame; `note`
    says why). `limit` says what the decision is about; `frame_nights` is the nights a decline keeps (the frame,
    or what remained of the month's nights, the fewer when both)."""

    state = serializers.ChoiceField(source="extension_state", choices=ExtensionState.choices, read_only=True)
    limit = serializers.ChoiceField(
        source="extension_limit", choices=ExtensionLimit.choices, read_only=True,
        help_text="Hvad lederens beslutning gælder: rammen (frame), husets grænse for nætter pr. måned (month) "
                  "eller begge (both). Meningsløs når state er none.")
    month_limit = serializers.IntegerField(
        source="extension_month_limit", read_only=True, allow_null=True,
        help_text="Husets grænse for nætter pr. måned, som opholdet går ud over (null: kun rammen).")
    reason = serializers.CharField(source="extension_reason", read_only=True)
    frame_nights = serializers.IntegerField(source="extension_frame_nights", read_only=True, allow_null=True)
    frame_until = serializers.DateTimeField(source="extension_frame_until", read_only=True, allow_null=True)
    requested_departure = serializers.DateTimeField(source="extension_requested_departure", read_only=True,
                                                    allow_null=True)
    decided_at = serializers.DateTimeField(source="extension_decided_at", read_only=True, allow_null=True)
    decided_by = serializers.SerializerMethodField()
    note = serializers.CharField(source="extension_decision_note", read_only=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_decided_by(self, stay) -> str | None:
        return user_display(stay.extension_by)
