import django_filters
from django.utils.translation import gettext_lazy as _

from neocare.api import StrictFilterSet
from neocare.knowledge import services
from neocare.knowledge.models import Article, Tag

LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]


class ArticleFilter(StrictFilterSet):
    tag = django_filters.ChoiceFilter(
        choices=Tag.Code.choices, field_name="tags__code", label=_("tag")
    )
    q = django_filters.CharFilter(
        method="search",
        validators=[services.search_terms],  # a 400 on `q`, before any query runs
        strip=False,  # so that "?q=%20" is a blank search (400), not "no filter"
        label=_("search"),
        help_text=(
            "Words to find, in either language; an article must contain every one (Chinese "
            "matches any part of a sentence)."
        ),
    )
    # Read by the view (the answer's language); here so that it is documented and checked.
    lang = django_filters.ChoiceFilter(
        choices=LANGUAGES,
        method="language",
        label=_("language"),
        help_text="The language of title and text; without it, Accept-Language (default zh-hans).",
    )

    class Meta:
        model = Article
        fields = ["tag", "q", "lang"]

    def search(self, queryset, name, value):
        return services.article_search(queryset, services.search_terms(value))

    def language(self, queryset, name, value):
        return queryset
