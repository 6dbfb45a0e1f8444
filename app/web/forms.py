"""Forms; every one carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.model import ERROR_CATEGORIES, FIX_SEVERITIES
from app.services.glossary import CASE_RULES, KINDS, STATUSES
from app.storage.models import PROJECT_ROLES, ROLES

KIND_LABELS = {"name": "person name"}
CASE_CHOICES = ("insensitive", *(c for c in CASE_RULES if c != "insensitive"))  # the default first


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class ImportForm(FlaskForm):
    project = StringField("Project", validators=[DataRequired(), Length(max=200)])
    title = StringField("Title (optional)", validators=[Optional(), Length(max=300)])
    zh_file = FileField("Chinese source (.txt)", validators=[FileRequired("Choose the Chinese file.")])
    en_file = FileField("English rendering (.txt)", validators=[FileRequired("Choose the English file.")])


class BilingualImportForm(FlaskForm):
    project = StringField("Project", validators=[DataRequired(), Length(max=200)])
    title = StringField("Title (optional)", validators=[Optional(), Length(max=300)])
    file = FileField("Bilingual file", validators=[FileRequired("Choose the bilingual file.")])


class UserForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    role = SelectField("Role", choices=[SelectChoice(r, r) for r in ROLES], default="reviewer")
    password = PasswordField("Password (leave empty to generate one)", validators=[Optional(), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField("New password (8 characters or more)", validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField("New password again", validators=[DataRequired(), Length(max=200)])


class MemberForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    role = SelectField("Role in the project", choices=[SelectChoice(r, r) for r in PROJECT_ROLES],
                       default="translator")


class ProjectForm(FlaskForm):
    name = StringField("Project name", validators=[DataRequired(), Length(max=200)])


class SegmentForm(FlaskForm):
    text = TextAreaField("English", validators=[Length(max=100_000)])
    base_version = IntegerField(validators=[Optional()])
    seconds = FloatField(validators=[Optional()])
    confirm = HiddenField()
    reason = StringField("Why", validators=[Optional(), Length(max=2000)])
    category = SelectField("Error category",
                           choices=[SelectChoice("", "—")] + [SelectChoice(c, c) for c in ERROR_CATEGORIES],
                           validators=[Optional()])
    severity = SelectField("Severity", choices=[SelectChoice("", "—")] + [SelectChoice(s, s) for s in FIX_SEVERITIES],
                           validators=[Optional()])


class TermForm(FlaskForm):
    zh = StringField("Chinese forms (|-separated)", validators=[DataRequired(), Length(max=5000)])
    en = StringField("Approved English", validators=[DataRequired(), Length(max=5000)])
    variants = StringField("Accepted variants (|-separated)", validators=[Optional(), Length(max=5000)])
    forbidden = StringField("Forbidden renderings (|-separated)", validators=[Optional(), Length(max=5000)])
    case_rule = SelectField("Case rule", choices=[SelectChoice(c, c) for c in CASE_CHOICES])
    kind = SelectField("Kind", choices=[SelectChoice(k, KIND_LABELS.get(k, k)) for k in KINDS])
    status = SelectField("Status", choices=[SelectChoice(s, s) for s in STATUSES])
    domains = StringField("Domains (|-separated)", validators=[Optional(), Length(max=5000)])
    authority = StringField("Authority (source, date)", validators=[Optional(), Length(max=5000)])
    note = TextAreaField("Note", validators=[Optional(), Length(max=5000)])
    reason = StringField("Why this change", validators=[Optional(), Length(max=2000)])


class GlossaryImportForm(FlaskForm):
    file = FileField("Glossary file (.csv or .tbx)", validators=[FileRequired("Choose a file.")])
