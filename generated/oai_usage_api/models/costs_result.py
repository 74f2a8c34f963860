from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.costs_amount import CostsAmount


T = TypeVar("T", bound="CostsResult")


@_attrs_define
class CostsResult:
    """One aggregated row of costs: one per combination of the requested `group_by` values. Dimensions not grouped by are
    null; the keys beyond `object` vary with the server's version (see `x-evidence`).

    """

    object_: Literal["organization.costs.result"]
    """ Always `organization.costs.result`. """
    amount: CostsAmount | Unset = UNSET
    """ An amount of money. """
    line_item: None | str | Unset = UNSET
    """ Line item (for example `gpt-4o-2024-08-06, input`) when grouped by `line_item`; null otherwise. """
    project_id: None | str | Unset = UNSET
    """ Project ID of this row's usage when grouped by `project_id`; null otherwise. """
    api_key_id: None | str | Unset = UNSET
    """ API key ID of this row's usage when grouped by `api_key_id`; null otherwise. """
    user_id: None | str | Unset = UNSET
    """ User ID of this row's usage when grouped by `user_id`; null otherwise. """
    organization_id: None | str | Unset = UNSET
    """ The organization the row belongs to (`org-...`). Sent by the live API on every result of the February 2025
    capture; not in the official spec or SDK, so optional. """
    api_source: None | str | Unset = UNSET
    """ Where traffic came from: `agents_api` for Agents API traffic, `unlabeled` for everything else; null unless
    grouped by `api_source`. An open set: a plain string, so new values pass through every generated client; the
    values known today are in `x-known-values`. """
    quantity: float | None | Unset = UNSET
    """ Billed quantity of the line item, in `quantity_unit`; null unless grouped by `line_item`. """
    quantity_unit: None | str | Unset = UNSET
    """ Unit of `quantity`; null when not grouped by `line_item` or when no single unit applies. An open set: a
    plain string, so new units pass through every generated client; the eight documented units are in `x-known-
    values` (tokens, 1000_tokens, duration_seconds, duration_minutes, duration_hours, gibibyte_hours, images,
    characters). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        amount: dict[str, Any] | Unset = UNSET
        if not isinstance(self.amount, Unset):
            amount = self.amount.to_dict()

        line_item: None | str | Unset
        if isinstance(self.line_item, Unset):
            line_item = UNSET
        else:
            line_item = self.line_item

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        api_key_id: None | str | Unset
        if isinstance(self.api_key_id, Unset):
            api_key_id = UNSET
        else:
            api_key_id = self.api_key_id

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        organization_id: None | str | Unset
        if isinstance(self.organization_id, Unset):
            organization_id = UNSET
        else:
            organization_id = self.organization_id

        api_source: None | str | Unset
        if isinstance(self.api_source, Unset):
            api_source = UNSET
        else:
            api_source = self.api_source

        quantity: float | None | Unset
        if isinstance(self.quantity, Unset):
            quantity = UNSET
        else:
            quantity = self.quantity

        quantity_unit: None | str | Unset
        if isinstance(self.quantity_unit, Unset):
            quantity_unit = UNSET
        else:
            quantity_unit = self.quantity_unit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
            }
        )
        if amount is not UNSET:
            field_dict["amount"] = amount
        if line_item is not UNSET:
            field_dict["line_item"] = line_item
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if api_key_id is not UNSET:
            field_dict["api_key_id"] = api_key_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
        if api_source is not UNSET:
            field_dict["api_source"] = api_source
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if quantity_unit is not UNSET:
            field_dict["quantity_unit"] = quantity_unit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.costs_amount import CostsAmount  # noqa: PLC0415

        d = dict(src_dict)
        object_ = cast(Literal["organization.costs.result"], d.pop("object"))
        if object_ != "organization.costs.result":
            raise ValueError(f"object must match const 'organization.costs.result', got '{object_}'")

        _amount = d.pop("amount", UNSET)
        amount: CostsAmount | Unset
        if isinstance(_amount, Unset):
            amount = UNSET
        else:
            amount = CostsAmount.from_dict(_amount)

        def _parse_line_item(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        line_item = _parse_line_item(d.pop("line_item", UNSET))

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_api_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_key_id = _parse_api_key_id(d.pop("api_key_id", UNSET))

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        def _parse_organization_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        organization_id = _parse_organization_id(d.pop("organization_id", UNSET))

        def _parse_api_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_source = _parse_api_source(d.pop("api_source", UNSET))

        def _parse_quantity(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        quantity = _parse_quantity(d.pop("quantity", UNSET))

        def _parse_quantity_unit(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        quantity_unit = _parse_quantity_unit(d.pop("quantity_unit", UNSET))

        costs_result = cls(
            object_=object_,
            amount=amount,
            line_item=line_item,
            project_id=project_id,
            api_key_id=api_key_id,
            user_id=user_id,
            organization_id=organization_id,
            api_source=api_source,
            quantity=quantity,
            quantity_unit=quantity_unit,
        )

        costs_result.additional_properties = d
        return costs_result

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
