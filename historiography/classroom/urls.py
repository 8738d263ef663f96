"""The classroom's pages, in the `classroom` URL namespace: everything here is per user
and never served from the page cache."""

from django.urls import path

from .lti import views as lti
from .views import accounts, assignments, board, courses, grading, notifications, submissions

app_name = "classroom"

urlpatterns = [
    # Accounts
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/teach/", accounts.teach_signup, name="teach-signup"),
    path("accounts/verify/<str:token>/", accounts.verify_email, name="verify-email"),
    path("accounts/timezone/", accounts.set_timezone, name="set-timezone"),
    path("classes/", courses.course_list, name="course-list"),
    path("classes/new/", courses.course_create, name="course-create"),
    path("classes/join/", courses.course_join, name="course-join"),
    path("classes/<int:pk>/", courses.course_detail, name="course-detail"),
    path("classes/<int:pk>/update/", courses.course_update, name="course-update"),
    path("classes/<int:pk>/gradebook.csv", board.course_gradebook_csv, name="course-gradebook"),
    path("classes/<int:pk>/students/<int:student_pk>/", courses.course_student, name="course-student"),
    path("classes/<int:pk>/assignments/new/", assignments.assignment_create, name="assignment-create"),
    path("assignments/", assignments.my_assignments, name="my-assignments"),
    path("assignments/<int:pk>/", assignments.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/edit/", assignments.assignment_edit, name="assignment-edit"),
    path("assignments/<int:pk>/allocate/", assignments.assignment_allocate, name="assignment-allocate"),
    path("assignments/<int:pk>/choose-side/", assignments.side_choose, name="side-choose"),
    path("assignments/<int:pk>/evidence/", submissions.evidence_add, name="evidence-add"),
    path("assignments/<int:pk>/submission/", submissions.submission_edit, name="submission-edit"),
    path(
        "assignments/<int:pk>/submission/phase-<int:phase>/", submissions.submission_edit, name="submission-edit-phase"
    ),
    path(
        "assignments/<int:pk>/submission/phase-<int:phase>/autosave/",
        submissions.submission_autosave,
        name="submission-autosave",
    ),
    path("assignments/<int:pk>/board/", board.assignment_board, name="assignment-board"),
    path("assignments/<int:pk>/board/phase-<int:phase>/", board.assignment_board, name="assignment-board-phase"),
    path("assignments/<int:pk>/groups/", assignments.assignment_groups, name="assignment-groups"),
    path("assignments/<int:pk>/end-phase/", assignments.assignment_end_phase, name="assignment-end-phase"),
    path("assignments/<int:pk>/release-feedback/", assignments.feedback_release, name="feedback-release"),
    path("assignments/<int:pk>/rubric/", grading.assignment_rubric, name="assignment-rubric"),
    path("assignments/<int:pk>/grades.csv", board.assignment_grades_csv, name="assignment-grades"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission-detail"),
    # Notifications
    path("notifications/", notifications.notification_list, name="notification-list"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification-open"),
    path("notifications/read/", notifications.notifications_mark_read, name="notifications-mark-read"),
    path("notifications/settings/", notifications.notification_settings, name="notification-settings"),
    path("notifications/unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
    # LTI 1.3: the site as a tool in a learning platform (historiography/classroom/lti/)
    path("lti/", lti.setup, name="lti-setup"),
    path("lti/login/", lti.oidc_login, name="lti-login"),
    path("lti/launch/", lti.launch, name="lti-launch"),
    path("lti/jwks.json", lti.jwks, name="lti-jwks"),
    path("lti/config.json", lti.config, name="lti-config"),
    path("lti/deep-link/", lti.deep_link_return, name="lti-deep-link"),
    path("classes/<int:pk>/platform/", lti.course_platform, name="course-platform"),
]
