"""Who sees which question: built on `infants_visible_to`, never beside it."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from neocare.infants.selectors import infants_visible_to
from neocare.network.models import User
from neocare.questions.models import Question

# Who answers: the doctors of the infant's centre and of its district.
ANSWERING_ROLES = (User.Role.COMMUNITY_DOCTOR, User.Role.DISTRICT_DOCTOR)


def questions_visible_to(user: User) -> QuerySet[Question]:
    """Questions about the infants in the user's scope (guardians: their own infants')."""
    return Question.objects.filter(infant__in=infants_visible_to(user))


def inbox(user: User) -> QuerySet[Question]:
    """The doctors' inbox: open questions first, oldest first; then the answered ones."""
    if getattr(user, "role", None) not in ANSWERING_ROLES:
        return Question.objects.none()
    return (
        questions_visible_to(user)
        .select_related("infant", "infant__registered_centre", "answered_by", "photo")
        .annotate(
            closed=Case(
                When(status=Question.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "created_at", "id")
    )
