from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AdminApiKeyOwner")


@_attrs_define
class AdminApiKeyOwner:
    """Owner of an admin key; every field is optional and a plain string."""

    id: str | Unset = UNSET
    """ Owner id. """
    object_: str | Unset = UNSET
    """ `organization.user` or `organization.service_account`. """
    type_: str | Unset = UNSET
    """ `user` or `service_account`. """
    name: str | Unset = UNSET
    """ Owner name. """
    created_at: int | Unset = UNSET
    """ When the owner was created, Unix seconds. """
    role: str | Unset = UNSET
    """ Owner role (`owner`, `member`). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        type_ = self.type_

        name = self.name

        created_at = self.created_at

        role = self.role

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if object_ is not UNSET:
            field_dict["object"] = object_
        if type_ is not UNSET:
            field_dict["type"] = type_
        if name is not UNSET:
            field_dict["name"] = name
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        object_ = d.pop("object", UNSET)

        type_ = d.pop("type", UNSET)

        name = d.pop("name", UNSET)

        created_at = d.pop("created_at", UNSET)

        role = d.pop("role", UNSET)

        admin_api_key_owner = cls(
            id=id,
            object_=object_,
            type_=type_,
            name=name,
            created_at=created_at,
            role=role,
        )

        admin_api_key_owner.additional_properties = d
        return admin_api_key_owner

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
