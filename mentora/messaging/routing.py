"""Websocket routes (all of Mentora's): conversations and video-room signalling."""

from django.urls import path

from mentora.meetings.consumers import VideoRoomConsumer
from mentora.messaging.consumers import ConversationConsumer

websocket_urlpatterns = [
    path("ws/o/<slug:org>/conversations/<int:mentorship_id>/", ConversationConsumer.as_asgi()),
    path("ws/o/<slug:org>/meetings/<int:meeting_id>/room/", VideoRoomConsumer.as_asgi()),
]
