"""Thin Celery tasks: one service call."""

from celery import shared_task

from neocare.network.auth import tokens_clear_expired


@shared_task
def tokens_clear_expired_task() -> int:
    return tokens_clear_expired()
