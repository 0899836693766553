"""The public shape of an article: one language, its sanitised HTML and its tags."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from neocare.knowledge import services
from neocare.knowledge.models import Article, Tag

# Labels of their own so the schema names this set ArticleLanguageEnum (the accounts' `language`
# fields hold other sets; drf-spectacular warns when one name has several).
ARTICLE_LANGUAGES = [("zh-hans", "Simplified Chinese"), ("en", "English")]


class TagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Tag.Code.choices, read_only=True)
    label = serializers.SerializerMethodField()

    def get_label(self, tag: Tag) -> str:
        return tag.name_in(self.context["language"])


class ArticleSerializer(serializers.ModelSerializer):
    """Read-only. `context["language"]` ("zh-hans" or "en") picks title and text."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    language = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    html = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "language",
            "title",
            "html",
            "tags",
            "source",
            "reviewed_at",
            "review_expires_at",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ARTICLE_LANGUAGES))
    def get_language(self, article: Article) -> str:
        return self.context["language"]

    def get_title(self, article: Article) -> str:
        return article.title_in(self.context["language"])

    def get_html(self, article: Article) -> str:
        """The text as HTML, sanitised: only p, h2, h3, lists, emphasis, quotes, tables, links."""
        return services.markdown_to_html(article.body_in(self.context["language"]))

    @extend_schema_field(TagSerializer(many=True))
    def get_tags(self, article: Article) -> list[dict]:
        return TagSerializer(article.tags.all(), many=True, context=self.context).data
