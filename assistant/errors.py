"""The assistant's error hierarchy. Messages are Chinese, for users; they name the bad value."""


class AssistantError(Exception):
    """Base of every error the product raises on purpose."""


class UnreadableDocument(AssistantError):
    """A file that cannot be read (corrupt, encrypted, empty, wrong type, too large)."""


class ExtractionError(AssistantError):
    """A document was read but a table or figure could not be extracted."""


class RuleConfigError(AssistantError):
    """A scoring-rule file (YAML) is malformed."""


class PromptError(AssistantError):
    """A prompt template is missing or lacks a variable."""


class SettingsError(AssistantError):
    """A setting has a value outside what is allowed."""
