from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.owner_project_access import OwnerProjectAccess, check_owner_project_access
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.project_api_key_owner import ProjectApiKeyOwner


T = TypeVar("T", bound="ProjectApiKey")


@_attrs_define
class ProjectApiKey:
    """A project API key (user- or service-account-owned); its `id` is the `api_key_id` of usage and costs results. Only
    the redacted value is ever returned.

    """

    id: str
    """ Key id, the `api_key_id` of usage and costs results. """
    object_: Literal["organization.project.api_key"]
    """ Always `organization.project.api_key`. """
    name: str
    """ Display name of the key. """
    redacted_value: str
    """ The secret with its middle masked, e.g. `sk-proj-abc...wxyz`. """
    created_at: int
    """ When the key was created, Unix seconds. """
    last_used_at: int | None
    """ Last use, Unix seconds; null when never used. """
    owner_project_access: OwnerProjectAccess
    """ Whether the key's owner can still reach the project. """
    owner: ProjectApiKeyOwner
    """ Owner of a project API key; only the sub-object matching `type` is sent. """
    expires_at: int | None | Unset = UNSET
    """ When the key expires, Unix seconds; null when it never does (SDK field, not in the official spec). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        name = self.name

        redacted_value = self.redacted_value

        created_at = self.created_at

        last_used_at: int | None
        last_used_at = self.last_used_at

        owner_project_access: str = self.owner_project_access

        owner = self.owner.to_dict()

        expires_at: int | None | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = self.expires_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
                "name": name,
                "redacted_value": redacted_value,
                "created_at": created_at,
                "last_used_at": last_used_at,
                "owner_project_access": owner_project_access,
                "owner": owner,
            }
        )
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.project_api_key_owner import ProjectApiKeyOwner  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["organization.project.api_key"], d.pop("object"))
        if object_ != "organization.project.api_key":
            raise ValueError(f"object must match const 'organization.project.api_key', got '{object_}'")

        name = d.pop("name")

        redacted_value = d.pop("redacted_value")

        created_at = d.pop("created_at")

        def _parse_last_used_at(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at"))

        owner_project_access = check_owner_project_access(d.pop("owner_project_access"))

        owner = ProjectApiKeyOwner.from_dict(d.pop("owner"))

        def _parse_expires_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        project_api_key = cls(
            id=id,
            object_=object_,
            name=name,
            redacted_value=redacted_value,
            created_at=created_at,
            last_used_at=last_used_at,
            owner_project_access=owner_project_access,
            owner=owner,
            expires_at=expires_at,
        )

        project_api_key.additional_properties = d
        return project_api_key

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
