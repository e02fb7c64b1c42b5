"""The browser tables of allocated targets and area groups: one row of inputs per unit. They
only turn input into rows; plans.allocations checks and saves them, and its problems come
back onto the cells they are about."""
from django import forms
from django.utils.translation import gettext as _

from portal.forms import SpreadsheetUploadForm, UploadConfirmForm
from plans import allocations as rules
from plans.forms import VietnameseDecimalField
from plans.models import Target
from plans.sheets import validity

SMALL = "form-control form-control-sm"


class AllocationTableForm(forms.Form):
    """Fields ``form_<unit id>``, ``low_<unit id>``, ``high_<unit id>``, ``note_<unit id>``, and
    ``version``: the table as it was read (plans.allocations.table_version), so that a save after
    a colleague's is refused instead of overwriting hers."""

    def __init__(self, *args, units, allocations, version="", **kwargs):
        super().__init__(*args, **kwargs)
        self.units, self.allocations = list(units), allocations
        self.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32,
                                                 initial=version)
        for unit in self.units:
            a = allocations.get(unit.pk)
            name = unit.name
            self.fields[f"form_{unit.pk}"] = forms.ChoiceField(
                choices=Target.Form.choices, initial=a.form if a else rules.NUMBER, required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm",
                                           "aria-label": _("Dạng chỉ tiêu giao cho %(n)s") % {"n": name}}))
            self.fields[f"low_{unit.pk}"] = VietnameseDecimalField(
                max_digits=14, decimal_places=2, required=False, initial=a.low if a else None,
                widget=forms.TextInput(attrs={"class": f"{SMALL} text-end alloc-low", "inputmode": "decimal",
                                              "aria-label": _("Giao cho %(n)s") % {"n": name}}))
            self.fields[f"high_{unit.pk}"] = VietnameseDecimalField(
                max_digits=14, decimal_places=2, required=False, initial=a.high if a else None,
                widget=forms.TextInput(attrs={"class": f"{SMALL} text-end", "inputmode": "decimal",
                                              "aria-label": _("Cận trên giao cho %(n)s") % {"n": name}}))
            self.fields[f"note_{unit.pk}"] = forms.CharField(
                max_length=200, required=False, initial=a.note if a else "",
                widget=forms.TextInput(attrs={"class": SMALL,
                                              "aria-label": _("Ghi chú cho %(n)s") % {"n": name}}))

    def table(self):
        """[(unit, validity, {field: bound field}, has errors, its allocation or None)]."""
        out = []
        for unit in self.units:
            fields = {f: self[f"{f}_{unit.pk}"] for f in ("form", "low", "high", "note")}
            out.append((unit, validity(unit), fields, any(b.errors for b in fields.values()),
                        self.allocations.get(unit.pk)))
        return out

    def rows(self):
        c = self.cleaned_data
        return [rules.AllocationRow(area=u, low=c.get(f"low_{u.pk}"), high=c.get(f"high_{u.pk}"),
                                    form=c.get(f"form_{u.pk}") or "", note=c.get(f"note_{u.pk}") or "")
                for u in self.units]

    def add_problems(self, problems):
        for p in problems:
            if p.area is None:
                self.add_error(None, p.message)
            else:
                name = "low" if p.field == "area" else p.field
                self.add_error(f"{name}_{p.area.pk}", p.message)


class AreaGroupTableForm(forms.Form):
    """Fields ``group_<unit id>``: a choice among the group names the unit's plans use."""

    def __init__(self, *args, units, groups, names, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = list(units)
        self.names = names
        for unit in self.units:
            current = groups.get(unit.pk, "")
            allowed = list(names.get(unit.pk, []))
            if current and current not in allowed:
                allowed.append(current)  # kept visible; saving it again is refused with the reason
            choices = [("", _("— chưa phân nhóm —"))] + [(n, n) for n in allowed]
            self.fields[f"group_{unit.pk}"] = forms.ChoiceField(
                choices=choices, initial=current, required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm",
                                           "aria-label": _("Nhóm địa bàn của %(n)s") % {"n": unit.name}}))

    def _choosable(self, unit):
        return len(self.fields[f"group_{unit.pk}"].choices) > 1

    def table(self):
        """[(unit, validity, bound field, whether it has a group to choose)]."""
        return [(unit, validity(unit), self[f"group_{unit.pk}"], self._choosable(unit)) for unit in self.units]

    def rows(self):
        """The units with a choice (a unit no plan groups is left alone)."""
        return [rules.GroupRow(area=u, name=self.cleaned_data.get(f"group_{u.pk}") or "")
                for u in self.units if self._choosable(u)]

    def add_problems(self, problems):
        for p in problems:
            self.add_error(f"group_{p.area.pk}" if p.area else None, p.message)


class UploadForm(SpreadsheetUploadForm):
    max_bytes = 5 * 1024 * 1024  # a table of a province's units


ConfirmForm = UploadConfirmForm


class AllocationConfirmForm(UploadConfirmForm):
    """The import's confirmation carries the table's version at the preview (plans.allocations
    .table_version): a table saved by someone else meanwhile is a conflict, not overwritten."""
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
