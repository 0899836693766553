from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def for_clinician(reasons) -> list[str]:
    """An assessment's reasons, clinician wording, in the page's language."""
    language = "en" if (get_language() or "").startswith("en") else "zh-hans"
    return [r["clinician"][language] for r in reasons or []]


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
