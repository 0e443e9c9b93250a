"""The triage intents of DESIGN §3: stable ids, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Intent(models.TextChoices):
    ACCOUNT_LOCKED = "account_locked", _("Account locked")
    LOGIN_FAILED = "login_failed", _("Cannot sign in / forgotten password")
    ACCOUNT_STOLEN = "account_stolen", _("Account stolen or hacked")
    SECURITY_SETTINGS = "security_settings", _("Account security and 2FA")
    WITHDRAWAL_DELAYED = "withdrawal_delayed", _("Withdrawal delayed")
    WITHDRAWAL_HOWTO = "withdrawal_howto", _("How to withdraw")
    DEPOSIT_MISSING = "deposit_missing", _("Deposit not received")
    TRANSACTION_FAILED = "transaction_failed", _("Transaction failed")
    TRADE_DISPUTE = "trade_dispute", _("Trade dispute")
    FEES = "fees", _("Fees")
    PERSONAL_INFO_CHANGE = "personal_info_change", _("Change personal information")
    KYC_VERIFICATION = "kyc_verification", _("Identity (KYC) verification")
    TECHNICAL_ISSUE = "technical_issue", _("Technical problem")
    VERIFY_SUPPORT = "verify_support", _("Check that support is official")
    CONTACT_SUPPORT = "contact_support", _("Contact and service hours")
    COMPLAINT_ESCALATION = "complaint_escalation", _("Complaint or escalation")
    FEEDBACK = "feedback", _("Feedback")
