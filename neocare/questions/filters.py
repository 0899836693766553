import django_filters

from neocare.api import StrictFilterSet
from neocare.questions.models import Question


class QuestionFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(
        choices=Question.Status.choices, help_text="Only questions in this state."
    )

    class Meta:
        model = Question
        fields = ["status"]
