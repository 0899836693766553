from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from neocare.network.models import Catchment, District, Facility, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


class CatchmentInline(admin.TabularInline):
    """The streets a community health centre serves (births handed over by address)."""

    model = Catchment
    fields = ["district", "street"]
    extra = 1


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "district"]
    list_filter = ["tier", "district"]
    search_fields = ["name", "address", "catchments__street"]
    inlines = [CatchmentInline]


@admin.register(User)
class NeoCareUserAdmin(UserAdmin):
    """Staff and guardian accounts. Infants are not here: their records are reached only through
    the scoped API, never around it."""

    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "facility",
        "region",
        "phone_number",
        "is_active",
    ]
    list_filter = ["role", "is_active", "facility__tier"]
    search_fields = ["username", "first_name", "last_name", "phone_number"]
    fieldsets = UserAdmin.fieldsets + (
        ("NeoCare", {"fields": ["role", "facility", "region", "phone_number", "language"]}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("NeoCare", {"fields": ["role", "facility", "region", "phone_number", "language"]}),
    )
