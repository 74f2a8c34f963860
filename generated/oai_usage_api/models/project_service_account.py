from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_service_account_role import ProjectServiceAccountRole, check_project_service_account_role

T = TypeVar("T", bound="ProjectServiceAccount")


@_attrs_define
class ProjectServiceAccount:
    """A service account of a project (a non-human key owner)."""

    id: str
    """ Service account id. """
    object_: Literal["organization.project.service_account"]
    """ Always `organization.project.service_account`. """
    name: str
    """ Display name. """
    role: ProjectServiceAccountRole
    """ Role of a service account in its project. """
    created_at: int
    """ When it was created, Unix seconds. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        name = self.name

        role: str = self.role

        created_at = self.created_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
                "name": name,
                "role": role,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["organization.project.service_account"], d.pop("object"))
        if object_ != "organization.project.service_account":
            raise ValueError(f"object must match const 'organization.project.service_account', got '{object_}'")

        name = d.pop("name")

        role = check_project_service_account_role(d.pop("role"))

        created_at = d.pop("created_at")

        project_service_account = cls(
            id=id,
            object_=object_,
            name=name,
            role=role,
            created_at=created_at,
        )

        project_service_account.additional_properties = d
        return project_service_account

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
