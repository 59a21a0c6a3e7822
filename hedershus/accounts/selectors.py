from __future__ import annotations

from django.db.models import QuerySet

from hedershus.accounts.models import User
from hedershus.accounts.roles import Capability


def users_manageable_by(user: User) -> QuerySet[User]:
    """Every account, for an administrator; nothing for anyone else."""
    if not user.has_capability(Capability.MANAGE_USERS):
        return User.objects.none()
    return User.objects.all()
