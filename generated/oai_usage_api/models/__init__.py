"""Contains all the data models used in inputs/outputs"""

from .admin_api_key import AdminApiKey
from .admin_api_key_list import AdminApiKeyList
from .admin_api_key_owner import AdminApiKeyOwner
from .costs_amount import CostsAmount
from .costs_bucket import CostsBucket
from .costs_bucket_width import CostsBucketWidth
from .costs_group_by import CostsGroupBy
from .costs_page import CostsPage
from .costs_result import CostsResult
from .error import Error
from .error_response import ErrorResponse
from .image_size import ImageSize
from .image_source import ImageSource
from .list_order import ListOrder
from .organization_spend_alert import OrganizationSpendAlert
from .organization_spend_alert_list import OrganizationSpendAlertList
from .organization_spend_limit import OrganizationSpendLimit
from .organization_user import OrganizationUser
from .organization_user_account import OrganizationUserAccount
from .organization_user_project_role import OrganizationUserProjectRole
from .organization_user_projects_type_0 import OrganizationUserProjectsType0
from .owner_project_access import OwnerProjectAccess
from .owner_project_access_filter import OwnerProjectAccessFilter
from .project import Project
from .project_api_key import ProjectApiKey
from .project_api_key_list import ProjectApiKeyList
from .project_api_key_owner import ProjectApiKeyOwner
from .project_api_key_owner_service_account import ProjectApiKeyOwnerServiceAccount
from .project_api_key_owner_type import ProjectApiKeyOwnerType
from .project_api_key_owner_user import ProjectApiKeyOwnerUser
from .project_list import ProjectList
from .project_service_account import ProjectServiceAccount
from .project_service_account_list import ProjectServiceAccountList
from .project_service_account_role import ProjectServiceAccountRole
from .project_spend_alert import ProjectSpendAlert
from .project_spend_alert_list import ProjectSpendAlertList
from .project_spend_limit import ProjectSpendLimit
from .project_user import ProjectUser
from .project_user_list import ProjectUserList
from .spend_alert_currency import SpendAlertCurrency
from .spend_alert_interval import SpendAlertInterval
from .spend_alert_notification_channel import SpendAlertNotificationChannel
from .spend_limit_enforcement import SpendLimitEnforcement
from .usage_audio_speeches_bucket import UsageAudioSpeechesBucket
from .usage_audio_speeches_group_by import UsageAudioSpeechesGroupBy
from .usage_audio_speeches_page import UsageAudioSpeechesPage
from .usage_audio_speeches_result import UsageAudioSpeechesResult
from .usage_audio_transcriptions_bucket import UsageAudioTranscriptionsBucket
from .usage_audio_transcriptions_group_by import UsageAudioTranscriptionsGroupBy
from .usage_audio_transcriptions_page import UsageAudioTranscriptionsPage
from .usage_audio_transcriptions_result import UsageAudioTranscriptionsResult
from .usage_bucket_width import UsageBucketWidth
from .usage_code_interpreter_sessions_bucket import UsageCodeInterpreterSessionsBucket
from .usage_code_interpreter_sessions_group_by import UsageCodeInterpreterSessionsGroupBy
from .usage_code_interpreter_sessions_page import UsageCodeInterpreterSessionsPage
from .usage_code_interpreter_sessions_result import UsageCodeInterpreterSessionsResult
from .usage_completions_bucket import UsageCompletionsBucket
from .usage_completions_group_by import UsageCompletionsGroupBy
from .usage_completions_page import UsageCompletionsPage
from .usage_completions_result import UsageCompletionsResult
from .usage_decisions_bucket import UsageDecisionsBucket
from .usage_decisions_group_by import UsageDecisionsGroupBy
from .usage_decisions_page import UsageDecisionsPage
from .usage_decisions_result import UsageDecisionsResult
from .usage_embeddings_bucket import UsageEmbeddingsBucket
from .usage_embeddings_group_by import UsageEmbeddingsGroupBy
from .usage_embeddings_page import UsageEmbeddingsPage
from .usage_embeddings_result import UsageEmbeddingsResult
from .usage_file_search_calls_bucket import UsageFileSearchCallsBucket
from .usage_file_search_calls_group_by import UsageFileSearchCallsGroupBy
from .usage_file_search_calls_page import UsageFileSearchCallsPage
from .usage_file_search_calls_result import UsageFileSearchCallsResult
from .usage_images_bucket import UsageImagesBucket
from .usage_images_group_by import UsageImagesGroupBy
from .usage_images_page import UsageImagesPage
from .usage_images_result import UsageImagesResult
from .usage_moderations_bucket import UsageModerationsBucket
from .usage_moderations_group_by import UsageModerationsGroupBy
from .usage_moderations_page import UsageModerationsPage
from .usage_moderations_result import UsageModerationsResult
from .usage_vector_stores_bucket import UsageVectorStoresBucket
from .usage_vector_stores_group_by import UsageVectorStoresGroupBy
from .usage_vector_stores_page import UsageVectorStoresPage
from .usage_vector_stores_result import UsageVectorStoresResult
from .usage_web_search_calls_bucket import UsageWebSearchCallsBucket
from .usage_web_search_calls_group_by import UsageWebSearchCallsGroupBy
from .usage_web_search_calls_page import UsageWebSearchCallsPage
from .usage_web_search_calls_result import UsageWebSearchCallsResult
from .user_list import UserList
from .web_search_context_level import WebSearchContextLevel

__all__ = (
    "AdminApiKey",
    "AdminApiKeyList",
    "AdminApiKeyOwner",
    "CostsAmount",
    "CostsBucket",
    "CostsBucketWidth",
    "CostsGroupBy",
    "CostsPage",
    "CostsResult",
    "Error",
    "ErrorResponse",
    "ImageSize",
    "ImageSource",
    "ListOrder",
    "OrganizationSpendAlert",
    "OrganizationSpendAlertList",
    "OrganizationSpendLimit",
    "OrganizationUser",
    "OrganizationUserAccount",
    "OrganizationUserProjectRole",
    "OrganizationUserProjectsType0",
    "OwnerProjectAccess",
    "OwnerProjectAccessFilter",
    "Project",
    "ProjectApiKey",
    "ProjectApiKeyList",
    "ProjectApiKeyOwner",
    "ProjectApiKeyOwnerServiceAccount",
    "ProjectApiKeyOwnerType",
    "ProjectApiKeyOwnerUser",
    "ProjectList",
    "ProjectServiceAccount",
    "ProjectServiceAccountList",
    "ProjectServiceAccountRole",
    "ProjectSpendAlert",
    "ProjectSpendAlertList",
    "ProjectSpendLimit",
    "ProjectUser",
    "ProjectUserList",
    "SpendAlertCurrency",
    "SpendAlertInterval",
    "SpendAlertNotificationChannel",
    "SpendLimitEnforcement",
    "UsageAudioSpeechesBucket",
    "UsageAudioSpeechesGroupBy",
    "UsageAudioSpeechesPage",
    "UsageAudioSpeechesResult",
    "UsageAudioTranscriptionsBucket",
    "UsageAudioTranscriptionsGroupBy",
    "UsageAudioTranscriptionsPage",
    "UsageAudioTranscriptionsResult",
    "UsageBucketWidth",
    "UsageCodeInterpreterSessionsBucket",
    "UsageCodeInterpreterSessionsGroupBy",
    "UsageCodeInterpreterSessionsPage",
    "UsageCodeInterpreterSessionsResult",
    "UsageCompletionsBucket",
    "UsageCompletionsGroupBy",
    "UsageCompletionsPage",
    "UsageCompletionsResult",
    "UsageDecisionsBucket",
    "UsageDecisionsGroupBy",
    "UsageDecisionsPage",
    "UsageDecisionsResult",
    "UsageEmbeddingsBucket",
    "UsageEmbeddingsGroupBy",
    "UsageEmbeddingsPage",
    "UsageEmbeddingsResult",
    "UsageFileSearchCallsBucket",
    "UsageFileSearchCallsGroupBy",
    "UsageFileSearchCallsPage",
    "UsageFileSearchCallsResult",
    "UsageImagesBucket",
    "UsageImagesGroupBy",
    "UsageImagesPage",
    "UsageImagesResult",
    "UsageModerationsBucket",
    "UsageModerationsGroupBy",
    "UsageModerationsPage",
    "UsageModerationsResult",
    "UsageVectorStoresBucket",
    "UsageVectorStoresGroupBy",
    "UsageVectorStoresPage",
    "UsageVectorStoresResult",
    "UsageWebSearchCallsBucket",
    "UsageWebSearchCallsGroupBy",
    "UsageWebSearchCallsPage",
    "UsageWebSearchCallsResult",
    "UserList",
    "WebSearchContextLevel",
)
