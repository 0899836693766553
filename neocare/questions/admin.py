"""Read-only in the admin: questions change only through their services (audited)."""

from django.contrib import admin

from neocare.questions.models import Question


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["public_id", "infant", "status", "danger", "created_at", "answer_due_at"]
    list_filter = ["status", "danger", "escalation_level"]
    readonly_fields = [f.name for f in Question._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
