"""Staff register learning platforms (django-lti's registration admin, with deployments
inline) and manage the tool's keys here; links and grades sent back are listed."""

from django.contrib import admin, messages
from jwcrypto.jwk import JWK
from lti_tool.models import Key

from ..models import GradeSyncStatus, LtiAssignmentLink, LtiCourseLink, LtiGradeSync
from . import grades


@admin.register(Key)
class KeyAdmin(admin.ModelAdmin):
    """The tool's RSA key pairs: the active ones are published at /lti/jwks.json; the newest
    signs. Adding one generates a new pair (the private key is never shown)."""

    list_display = ["__str__", "is_active", "datetime_created"]
    list_filter = ["is_active"]
    fields = ["is_active", "public_key", "datetime_created"]
    readonly_fields = ["public_key", "datetime_created"]

    def save_model(self, request, obj, form, change):
        if not change:
            jwk = JWK.generate(kty="RSA", size=2048)
            obj.public_key = jwk.export_to_pem().decode()
            obj.private_key = jwk.export_to_pem(private_key=True, password=None).decode()
        super().save_model(request, obj, form, change)


@admin.register(LtiCourseLink)
class LtiCourseLinkAdmin(admin.ModelAdmin):
    list_display = ["context", "course", "roster_synced_at"]
    list_select_related = ["context", "course"]
    raw_id_fields = ["context", "course"]


@admin.register(LtiAssignmentLink)
class LtiAssignmentLinkAdmin(admin.ModelAdmin):
    list_display = ["resource_link", "assignment", "lineitem_url"]
    list_select_related = ["resource_link", "assignment"]
    raw_id_fields = ["resource_link", "assignment"]


@admin.register(LtiGradeSync)
class LtiGradeSyncAdmin(admin.ModelAdmin):
    list_display = ["feedback", "student", "score_given", "score_maximum", "status", "attempts", "updated"]
    list_filter = ["status"]
    list_select_related = ["feedback__submission", "student", "link__resource_link"]
    readonly_fields = ["feedback", "link", "student", "score_given", "score_maximum", "status", "error", "attempts"]
    actions = ["send_again"]

    @admin.action(description="Send the selected grades again")
    def send_again(self, request, queryset):
        syncs = [grades.sync_attempt(sync) for sync in queryset.select_related("link__resource_link__context")]
        sent = sum(sync.status == GradeSyncStatus.SENT for sync in syncs)
        messages.info(request, f"{sent} of {len(syncs)} grades reached the platform.")
