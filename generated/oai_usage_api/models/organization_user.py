from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.organization_user_account import OrganizationUserAccount
    from ..models.organization_user_projects_type_0 import OrganizationUserProjectsType0


T = TypeVar("T", bound="OrganizationUser")


@_attrs_define
class OrganizationUser:
    """A member of the organization; its `id` is the `user_id` of usage and costs results."""

    id: str
    """ User id, the `user_id` of usage and costs results. """
    object_: Literal["organization.user"]
    """ Always `organization.user`. """
    added_at: int
    """ When the user joined the organization, Unix seconds. """
    name: None | str | Unset = UNSET
    """ Full name. """
    email: None | str | Unset = UNSET
    """ E-mail address. """
    role: None | str | Unset = UNSET
    """ Organization role: `owner` or `reader` today (a plain string). """
    created: int | None | Unset = UNSET
    """ When the account was created, Unix seconds. """
    api_key_last_used_at: int | None | Unset = UNSET
    """ Last use of any of the user's API keys, Unix seconds. """
    is_default: bool | None | Unset = UNSET
    """ Whether this is the account's default organization. """
    is_service_account: bool | None | Unset = UNSET
    """ Whether the member is a service account. """
    is_scim_managed: bool | None | Unset = UNSET
    """ Whether the membership is managed by SCIM. """
    is_scale_tier_authorized_purchaser: bool | None | Unset = UNSET
    """ Whether the user may buy Scale Tier. """
    technical_level: None | str | Unset = UNSET
    """ Free-form profile metadata. """
    developer_persona: None | str | Unset = UNSET
    """ Free-form profile metadata. """
    user: OrganizationUserAccount | Unset = UNSET
    """ The person's account behind an organization membership. """
    projects: None | OrganizationUserProjectsType0 | Unset = UNSET
    """ The user's projects, present only when included. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.organization_user_projects_type_0 import OrganizationUserProjectsType0  # noqa: PLC0415

        id = self.id

        object_ = self.object_

        added_at = self.added_at

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        else:
            role = self.role

        created: int | None | Unset
        if isinstance(self.created, Unset):
            created = UNSET
        else:
            created = self.created

        api_key_last_used_at: int | None | Unset
        if isinstance(self.api_key_last_used_at, Unset):
            api_key_last_used_at = UNSET
        else:
            api_key_last_used_at = self.api_key_last_used_at

        is_default: bool | None | Unset
        if isinstance(self.is_default, Unset):
            is_default = UNSET
        else:
            is_default = self.is_default

        is_service_account: bool | None | Unset
        if isinstance(self.is_service_account, Unset):
            is_service_account = UNSET
        else:
            is_service_account = self.is_service_account

        is_scim_managed: bool | None | Unset
        if isinstance(self.is_scim_managed, Unset):
            is_scim_managed = UNSET
        else:
            is_scim_managed = self.is_scim_managed

        is_scale_tier_authorized_purchaser: bool | None | Unset
        if isinstance(self.is_scale_tier_authorized_purchaser, Unset):
            is_scale_tier_authorized_purchaser = UNSET
        else:
            is_scale_tier_authorized_purchaser = self.is_scale_tier_authorized_purchaser

        technical_level: None | str | Unset
        if isinstance(self.technical_level, Unset):
            technical_level = UNSET
        else:
            technical_level = self.technical_level

        developer_persona: None | str | Unset
        if isinstance(self.developer_persona, Unset):
            developer_persona = UNSET
        else:
            developer_persona = self.developer_persona

        user: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user, Unset):
            user = self.user.to_dict()

        projects: dict[str, Any] | None | Unset
        if isinstance(self.projects, Unset):
            projects = UNSET
        elif isinstance(self.projects, OrganizationUserProjectsType0):
            projects = self.projects.to_dict()
        else:
            projects = self.projects

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
                "added_at": added_at,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if email is not UNSET:
            field_dict["email"] = email
        if role is not UNSET:
            field_dict["role"] = role
        if created is not UNSET:
            field_dict["created"] = created
        if api_key_last_used_at is not UNSET:
            field_dict["api_key_last_used_at"] = api_key_last_used_at
        if is_default is not UNSET:
            field_dict["is_default"] = is_default
        if is_service_account is not UNSET:
            field_dict["is_service_account"] = is_service_account
        if is_scim_managed is not UNSET:
            field_dict["is_scim_managed"] = is_scim_managed
        if is_scale_tier_authorized_purchaser is not UNSET:
            field_dict["is_scale_tier_authorized_purchaser"] = is_scale_tier_authorized_purchaser
        if technical_level is not UNSET:
            field_dict["technical_level"] = technical_level
        if developer_persona is not UNSET:
            field_dict["developer_persona"] = developer_persona
        if user is not UNSET:
            field_dict["user"] = user
        if projects is not UNSET:
            field_dict["projects"] = projects

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.organization_user_account import OrganizationUserAccount  # noqa: PLC0415
        from ..models.organization_user_projects_type_0 import OrganizationUserProjectsType0  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["organization.user"], d.pop("object"))
        if object_ != "organization.user":
            raise ValueError(f"object must match const 'organization.user', got '{object_}'")

        added_at = d.pop("added_at")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role = _parse_role(d.pop("role", UNSET))

        def _parse_created(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        created = _parse_created(d.pop("created", UNSET))

        def _parse_api_key_last_used_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        api_key_last_used_at = _parse_api_key_last_used_at(d.pop("api_key_last_used_at", UNSET))

        def _parse_is_default(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_default = _parse_is_default(d.pop("is_default", UNSET))

        def _parse_is_service_account(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_service_account = _parse_is_service_account(d.pop("is_service_account", UNSET))

        def _parse_is_scim_managed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_scim_managed = _parse_is_scim_managed(d.pop("is_scim_managed", UNSET))

        def _parse_is_scale_tier_authorized_purchaser(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_scale_tier_authorized_purchaser = _parse_is_scale_tier_authorized_purchaser(
            d.pop("is_scale_tier_authorized_purchaser", UNSET)
        )

        def _parse_technical_level(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        technical_level = _parse_technical_level(d.pop("technical_level", UNSET))

        def _parse_developer_persona(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        developer_persona = _parse_developer_persona(d.pop("developer_persona", UNSET))

        _user = d.pop("user", UNSET)
        user: OrganizationUserAccount | Unset
        if isinstance(_user, Unset):
            user = UNSET
        else:
            user = OrganizationUserAccount.from_dict(_user)

        def _parse_projects(data: object) -> None | OrganizationUserProjectsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_organization_user_projects_type_0 = OrganizationUserProjectsType0.from_dict(data)

                return componentsschemas_organization_user_projects_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrganizationUserProjectsType0 | Unset, data)

        projects = _parse_projects(d.pop("projects", UNSET))

        organization_user = cls(
            id=id,
            object_=object_,
            added_at=added_at,
            name=name,
            email=email,
            role=role,
            created=created,
            api_key_last_used_at=api_key_last_used_at,
            is_default=is_default,
            is_service_account=is_service_account,
            is_scim_managed=is_scim_managed,
            is_scale_tier_authorized_purchaser=is_scale_tier_authorized_purchaser,
            technical_level=technical_level,
            developer_persona=developer_persona,
            user=user,
            projects=projects,
        )

        organization_user.additional_properties = d
        return organization_user

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
