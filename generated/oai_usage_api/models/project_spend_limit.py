from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.spend_limit_enforcement import SpendLimitEnforcement


T = TypeVar("T", bound="ProjectSpendLimit")


@_attrs_define
class ProjectSpendLimit:
    """The project's monthly hard spend cap. `threshold_amount` is in integer **cents** of `currency` (10000 = 100.00 USD),
    unlike costs, whose `amount.value` is in units of a lowercase currency.

    """

    object_: Literal["project.spend_limit"]
    """ Always `project.spend_limit`. """
    threshold_amount: int
    """ The cap in cents of `currency` (10000 = $100.00). """
    currency: str
    """ Uppercase ISO 4217 currency of a spend limit; `USD` only today. An open set: a plain string with the known
    values in `x-known-values`. """
    interval: str
    """ Period a spend limit applies to; `month` (calendar month, UTC) only today. An open set: a plain string with
    the known values in `x-known-values`. """
    enforcement: SpendLimitEnforcement
    """ Whether the cap is being enforced right now. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        threshold_amount = self.threshold_amount

        currency = self.currency

        interval = self.interval

        enforcement = self.enforcement.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "threshold_amount": threshold_amount,
                "currency": currency,
                "interval": interval,
                "enforcement": enforcement,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.spend_limit_enforcement import SpendLimitEnforcement  # noqa: PLC0415

        d = dict(src_dict)
        object_ = cast(Literal["project.spend_limit"], d.pop("object"))
        if object_ != "project.spend_limit":
            raise ValueError(f"object must match const 'project.spend_limit', got '{object_}'")

        threshold_amount = d.pop("threshold_amount")

        currency = d.pop("currency")

        interval = d.pop("interval")

        enforcement = SpendLimitEnforcement.from_dict(d.pop("enforcement"))

        project_spend_limit = cls(
            object_=object_,
            threshold_amount=threshold_amount,
            currency=currency,
            interval=interval,
            enforcement=enforcement,
        )

        project_spend_limit.additional_properties = d
        return project_spend_limit

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
