"""LTI 1.3 Advantage: the classroom as a tool inside a learning platform (Canvas, Moodle...).

launch.py checks logins and launches (nothing written), enter.py brings a checked launch into
the classroom, deep_linking.py answers an instructor's pick, roster.py reads Names and Role
Provisioning, grades.py sends returned grades (Assignment and Grade Services), views.py the
pages. The protocol is pylti1p3's, the platform records django-lti's (`lti_tool`)."""
