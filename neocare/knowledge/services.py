"""The knowledge base's rules: rendering, search text and the review workflow.

Rendering. Articles are Markdown (Python-Markdown) rendered to HTML and then sanitised by nh3
(the Rust ammonia library) with an allow-list: paragraphs, two heading levels, lists, emphasis,
block quotes, simple tables and links to http(s) or relative addresses. Everything else —
`<script>`, `<iframe>`, event attributes, `javascript:` links, images, raw HTML typed into the
Markdown — is removed. The sanitiser runs on every render, so a stored body is never trusted.

Search that works for Chinese. Chinese is written without spaces, so word-based full-text
search (PostgreSQL's `to_tsvector('simple', …)`, SQLite FTS without a segmenter) finds nothing
inside a sentence. Instead every article keeps `search_text`: both languages' titles and text,
markup stripped, NFKC-normalised (full-width Ｔｃ Ｂ → TcB) and lower-cased. A query is split on
white space into at most `SEARCH_MAX_TERMS` terms; an article matches when it contains every
term as a substring (`LIKE '%term%'`, the same on SQLite and PostgreSQL), so "大便" finds
"婴儿大便比色卡" and "stool" finds "stools". Results are ordered by a title match first, then
on PostgreSQL with the `pg_trgm` extension by trigram word similarity (helps English and longer
terms; a two-character Chinese term scores near zero, so it orders little), then newest first.
Limits: no stemming or synonyms (黄疸 does not find 黄染; "feed" finds "feeding" but "fed" does
not), no typo tolerance in matching, and a sequential scan — fine for hundreds of articles; a
trigram GIN index on `search_text` would be the next step on PostgreSQL if there are thousands.
"""

import html
import unicodedata
from datetime import datetime, timedelta
from functools import cache

import markdown
import nh3
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from neocare.knowledge.models import Article
from neocare.network.models import User

# How long a clinical review stays valid before the article must be reviewed again. One year:
# the guideline and the programme's rules may change; a reviewer re-reads at least yearly.
ARTICLE_REVIEW_VALID_DAYS = 365

SEARCH_MAX_TERMS = 8
SEARCH_MAX_LENGTH = 100

# --- Rendering ---------------------------------------------------------------------------------
ALLOWED_TAGS = frozenset(
    {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br"}
    | {"table", "thead", "tbody", "tr", "th", "td"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Relative links (no scheme) stay allowed by nh3; any other scheme is dropped with its href.
ALLOWED_URL_SCHEMES = frozenset({"http", "https"})


def markdown_to_html(text: str) -> str:
    """Markdown → sanitised HTML (the only HTML of an article anyone receives)."""
    rendered = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        # The contents of these go too, not only the tags (nh3 keeps text of unknown tags).
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def normalise(text: str) -> str:
    """The form search compares in: NFKC (full-width → ASCII), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def plain_text(markdown_text: str) -> str:
    """The words of a Markdown body, without markup."""
    bare = nh3.clean(markdown_to_html(markdown_text), tags=set())
    return html.unescape(bare)


def search_text_of(article: Article) -> str:
    parts = [article.title_zh, article.title_en]
    parts += [plain_text(article.body_zh_md), plain_text(article.body_en_md)]
    return normalise("\n".join(parts))


# --- Search ------------------------------------------------------------------------------------
def search_terms(query: str) -> list[str]:
    """The query's terms, or a ValidationError naming what is wrong with it."""
    if len(query) > SEARCH_MAX_LENGTH:
        raise ValidationError(
            _("Search for at most %(number)d characters.") % {"number": SEARCH_MAX_LENGTH}
        )
    terms = normalise(query).split()
    if not terms:
        raise ValidationError(_("Give a word to search for."))
    if len(terms) > SEARCH_MAX_TERMS:
        raise ValidationError(
            _("Search for at most %(number)d words.") % {"number": SEARCH_MAX_TERMS}
        )
    return terms


@cache
def _trigram_available(alias: str) -> bool:
    # pg_trgm is made by a migration when the database user may create it; without it search
    # still matches, it only orders less well.
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def article_search(articles: QuerySet, terms: list[str]) -> QuerySet:
    """`articles` containing every term, best first (module docstring)."""
    matching = Q()
    in_title = Q()
    for term in terms:
        matching &= Q(search_text__contains=term)
        in_title &= Q(title_zh__icontains=term) | Q(title_en__icontains=term)
    found = articles.filter(matching).annotate(
        in_title=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    order = [F("in_title").desc()]
    if _trigram_available(connection.alias):
        found = found.annotate(similarity=TrigramWordSimilarity(" ".join(terms), "search_text"))
        order.append(F("similarity").desc())
    return found.order_by(*order, "-published_at", "id")


# --- Workflow ----------------------------------------------------------------------------------
def _changed_review_fields(article: Article) -> bool:
    if article.pk is None:
        return False
    stored = Article.objects.filter(pk=article.pk).values(*Article.REVIEWED_FIELDS).first()
    return stored is not None and any(
        stored[name] != getattr(article, name) for name in Article.REVIEWED_FIELDS
    )


def _back_to_draft(article: Article) -> None:
    article.status = Article.Status.DRAFT
    article.reviewed_at = None
    article.review_expires_at = None
    article.published_at = None


@transaction.atomic
def article_save(*, article: Article) -> Article:
    """Store an author's edit. A change to the text, a title or the reviewer of a reviewed or
    published article sends it back to draft: the review covered the words it read, not these.
    """
    article.full_clean(exclude=["tags"])
    if article.status != Article.Status.DRAFT and _changed_review_fields(article):
        _back_to_draft(article)
    article.search_text = search_text_of(article)
    article.save()
    return article


@transaction.atomic
def article_review(*, article: Article, by: User, at: datetime | None = None) -> Article:
    """Record that clinician `by` has reviewed the article's current text."""
    if not by.is_clinician:
        raise ValidationError(
            {"reviewed_by": _("Only a clinician (doctor or paediatrician) can review.")}
        )
    if _changed_review_fields(article):
        raise ValidationError(_("Save the article's changes before recording a review."))
    at = at or timezone.now()
    article.reviewed_by = by
    article.reviewed_at = at
    article.review_expires_at = at + timedelta(days=ARTICLE_REVIEW_VALID_DAYS)
    if article.status == Article.Status.DRAFT:
        article.status = Article.Status.REVIEWED
    article.save(update_fields=["reviewed_by", "reviewed_at", "review_expires_at", "status"])
    return article


@transaction.atomic
def article_publish(*, article: Article, at: datetime | None = None) -> Article:
    """Make a reviewed article public. Refused without a review, or when it has expired."""
    at = at or timezone.now()
    if article.status == Article.Status.DRAFT:
        raise ValidationError(_("A clinician must review the article before it is published."))
    if article.review_expired(at):
        raise ValidationError(_("The clinical review has expired: the article needs re-review."))
    if article.status != Article.Status.PUBLISHED:
        article.status = Article.Status.PUBLISHED
        article.published_at = at
        article.save(update_fields=["status", "published_at"])
    return article


@transaction.atomic
def article_withdraw(*, article: Article) -> Article:
    """Take an article back to draft (not public; its review no longer counts)."""
    _back_to_draft(article)
    article.save(update_fields=["status", "reviewed_at", "review_expires_at", "published_at"])
    return article


def review_state(article: Article, at: datetime | None = None) -> str:
    """What the admin shows: the status, or "needs re-review" once the review has expired."""
    if article.status != Article.Status.DRAFT and article.review_expired(at):
        return _("needs re-review (review expired)")
    return str(Article.Status(article.status).label)
