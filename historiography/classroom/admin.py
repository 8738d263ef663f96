"""Staff approve instructor requests here."""

from django.contrib import admin, messages

from . import onboarding
from .models import InstructorRequest, InstructorRequestStatus
from .services import ServiceError


@admin.register(InstructorRequest)
class InstructorRequestAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "email", "course", "email_verified_at", "status", "created"]
    list_filter = ["status", ("email_verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "institution", "email", "course", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "email_verified_at", "status", "decided_at", "decided_by", "created"]
    fieldsets = [
        (None, {"fields": ["name", "email", "institution", "course", "user"]}),
        ("Decision", {"fields": ["email_verified_at", "status", "decided_at", "decided_by", "created"]}),
    ]
    actions = ["approve", "decline", "resend_verification"]

    def has_add_permission(self, request):
        # A request comes with its account, made by “I teach”; staff create instructors with
        # `manage.py create_instructor` or in Users.
        return False

    @admin.action(description="Approve: activate the account with the Instructor role, and e-mail them")
    def approve(self, request, queryset):
        """Approves the pending requests with a verified address; names the others."""
        approved, refused = 0, []
        for instructor_request in queryset.filter(status=InstructorRequestStatus.PENDING).select_related("user"):
            try:
                approved += onboarding.instructor_request_approve(
                    instructor_request=instructor_request, by=request.user
                )
            except ServiceError as error:
                refused.append(str(error))
        if approved or not refused:
            self.message_user(request, f"Approved {approved} request{'s' if approved != 1 else ''}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(
                request,
                f"Not approved: {reason} If it never arrived, “Resend the verification e-mail”.",
                messages.ERROR,
            )

    @admin.action(description="Resend the verification e-mail")
    def resend_verification(self, request, queryset):
        sent = sum(
            onboarding.instructor_request_resend_verification(instructor_request=instructor_request)
            for instructor_request in queryset.select_related("user")
        )
        self.message_user(
            request,
            f"Sent the verification e-mail again to {sent} unverified pending request{'s' if sent != 1 else ''}.",
            messages.SUCCESS if sent else messages.WARNING,
        )

    @admin.action(description="Decline: the account stays inactive")
    def decline(self, request, queryset):
        declined = sum(
            onboarding.instructor_request_decline(instructor_request=instructor_request, by=request.user)
            for instructor_request in queryset.filter(status=InstructorRequestStatus.PENDING)
        )
        self.message_user(request, f"Declined {declined} request{'s' if declined != 1 else ''}.", messages.SUCCESS)


from .lti import admin as lti_admin  # noqa: E402,F401  (the LTI models' admin)
