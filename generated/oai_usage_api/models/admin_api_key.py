from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.admin_api_key_owner import AdminApiKeyOwner


T = TypeVar("T", bound="AdminApiKey")


@_attrs_define
class AdminApiKey:
    """An Admin API key of the organization (a separate family from project keys; it does not call model endpoints)."""

    id: str
    """ Key id. """
    object_: Literal["organization.admin_api_key"]
    """ Always `organization.admin_api_key`. """
    redacted_value: str
    """ The secret with its middle masked, e.g. `sk-admin-abc...wxyz`. """
    created_at: int
    """ When the key was created, Unix seconds. """
    owner: AdminApiKeyOwner
    """ Owner of an admin key; every field is optional and a plain string. """
    name: None | str | Unset = UNSET
    """ Display name. """
    last_used_at: int | None | Unset = UNSET
    """ Last use, Unix seconds. """
    expires_at: int | None | Unset = UNSET
    """ When the key expires, Unix seconds; null when it never does. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        redacted_value = self.redacted_value

        created_at = self.created_at

        owner = self.owner.to_dict()

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        last_used_at: int | None | Unset
        if isinstance(self.last_used_at, Unset):
            last_used_at = UNSET
        else:
            last_used_at = self.last_used_at

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
                "redacted_value": redacted_value,
                "created_at": created_at,
                "owner": owner,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if last_used_at is not UNSET:
            field_dict["last_used_at"] = last_used_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.admin_api_key_owner import AdminApiKeyOwner  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["organization.admin_api_key"], d.pop("object"))
        if object_ != "organization.admin_api_key":
            raise ValueError(f"object must match const 'organization.admin_api_key', got '{object_}'")

        redacted_value = d.pop("redacted_value")

        created_at = d.pop("created_at")

        owner = AdminApiKeyOwner.from_dict(d.pop("owner"))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_last_used_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at", UNSET))

        def _parse_expires_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        admin_api_key = cls(
            id=id,
            object_=object_,
            redacted_value=redacted_value,
            created_at=created_at,
            owner=owner,
            name=name,
            last_used_at=last_used_at,
            expires_at=expires_at,
        )

        admin_api_key.additional_properties = d
        return admin_api_key

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
