from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a borrower or a member of staff. The email address is the login."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Two rows differing only in letter case would be two logins for one mailbox.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email


class StaffEnrolmentGrant(models.Model):
    """A one-time, short-lived permission for a member of staff to enrol their first authenticator.

    Issued by an operator (`manage.py staff_enrolment_link`) and mailed to the staff member's verified
    address, so a stolen password alone cannot enrol an attacker's authenticator. Only a SHA-256 hash of
    the token is kept: whoever reads this table (or a backup) cannot use a grant.
    """

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="enrolment_grants"
    )
    token_hash = models.CharField(_("token (hash)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff enrolment link")
        verbose_name_plural = _("staff enrolment links")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class SignInDevice(models.Model):
    """A browser and system family a person has signed in from, to tell them of a new one by mail.

    Kept apart from allauth's sessions, which are deleted when they end: a device stays known after the
    person signs out of it.
    """

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="sign_in_devices"
    )
    browser = models.CharField(_("browser"), max_length=100, blank=True)
    system = models.CharField(_("system"), max_length=100, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("sign-in device")
        verbose_name_plural = _("sign-in devices")
        constraints = [
            models.UniqueConstraint(fields=["user", "browser", "system"], name="accounts_device_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.browser} / {self.system}"
