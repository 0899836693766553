from tests.followup.course import clock, gateway, people  # noqa: F401  (fixtures)
