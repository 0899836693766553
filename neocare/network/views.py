from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox import views as knox_views
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from neocare.api import BoundedJSONParser
from neocare.api_schema import error_response
from neocare.network.auth import TokenAuthentication
from neocare.network.filters import FacilityFilter
from neocare.network.models import Facility, User
from neocare.network.serializers import FacilitySerializer, MeSerializer
from neocare.network.sign_in import code_request, code_verify
from neocare.network.two_factor import needs_second_factor, verify


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class FacilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The care network's facilities: public directory information, open to every account."""

    serializer_class = FacilitySerializer
    queryset = Facility.objects.select_related("district").order_by("name", "id")
    filterset_class = FacilityFilter
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"


class SignInSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=(
            "Accounts in TWO_FACTOR_ROLES (district doctors, paediatricians, administrators) "
            "and superusers: the 6-digit code of their authenticator app, or a recovery code."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()


class TokenView(knox_views.LoginView):
    """Sign-in for staff (the app, scripts): username and password for an expiring token.

    Throttled per address (`sign_in`); a locked-out account (django-axes, after
    AXES_FAILURE_LIMIT failures) is answered 429 with Retry-After and says so, before and after
    the password is checked, instead of a silent 400. The JSON is bounded like every body.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, BoundedJSONParser)
    throttle_scope = "sign_in"

    @extend_schema(request=SignInSerializer, responses=TokenSerializer)
    def post(self, request, format=None):
        credentials = {"username": request.data.get("username", "")}
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked_out()
        serializer = SignInSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if AxesProxyHandler.is_locked(request, credentials):
                return _locked_out()
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if user.role == User.Role.GUARDIAN:
            # Parents sign in with a code sent to their phone (POST /api/v1/auth/code/).
            raise ValidationError(
                {"non_field_errors": [_("Parents sign in with a code sent by SMS to their phone.")]}
            )
        code = serializer.validated_data.get("otp", "")
        if needs_second_factor(user) and verify(user, code) is None:
            # Accounts that see many records sign in with a code from their authenticator.
            raise ValidationError({"otp": [_("Give the code from your authenticator app.")]})
        request.user = user
        return super().post(request, format=format)

    def get_token_ttl(self):
        if self.request.user.role == User.Role.GUARDIAN:
            return timedelta(days=settings.TOKEN_TTL_GUARDIAN_DAYS)
        return timedelta(hours=settings.TOKEN_TTL_STAFF_HOURS)


def _locked_out() -> Response:
    seconds = lockout_seconds()
    return Response(
        {"detail": lockout_message(seconds)},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(seconds)},
    )


def lockout_seconds() -> int:
    return int(get_cool_off().total_seconds())


def lockout_message(seconds: int) -> str:
    return _(
        "Too many failed sign-ins: this account is locked for %(minutes)d minutes. "
        "Try again later or ask your centre to help."
    ) % {"minutes": max(1, round(seconds / 60))}


def locked_out(request, response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): 429 with Retry-After, JSON for the
    API, the console's page otherwise, in the request's language."""
    seconds = lockout_seconds()
    if request.path.startswith("/api/"):
        answer = JsonResponse({"detail": lockout_message(seconds)}, status=429)
    else:
        answer = render(
            request,
            settings.AXES_LOCKOUT_TEMPLATE,
            {"message": lockout_message(seconds)},
            status=429,
        )
    answer["Retry-After"] = str(seconds)
    return answer


class SignOutView(knox_views.LogoutView):
    """Sign out this device: its token stops working at once."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)


class SignOutEverywhereView(knox_views.LogoutAllView):
    """Sign out on every device (a lost phone): every token of the account stops working."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)


# --- Parents: a one-time code by SMS (neocare/network/sign_in.py) -----------------------------
class CodeRequestSerializer(serializers.Serializer):
    phone = PhoneNumberField(help_text="The parent's mobile number, E.164 (+8613800000001).")


class CodeVerifySerializer(CodeRequestSerializer):
    code = serializers.RegexField(r"^\d{6}$", help_text="The six digits of the SMS.")


class CodeRequestAnswerSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CodeRequestView(APIView):
    """Ask for a sign-in code by SMS. The answer is the same whether or not the number is
    enrolled; only an enrolled parent's number gets a code."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = (parsers.FormParser, BoundedJSONParser)
    throttle_scope = "sign_in_code"

    @extend_schema(
        request=CodeRequestSerializer,
        responses={202: CodeRequestAnswerSerializer, 429: error_response("TooManyRequests")},
    )
    def post(self, request, format=None):
        serializer = CodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        phone = str(serializer.validated_data["phone"])
        if not code_request(phone, client_address=request.META.get("REMOTE_ADDR")):
            return Response(
                {"detail": _("Too many sign-in codes were asked for. Try again in an hour.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "3600"},
            )
        return Response(
            {
                "detail": _(
                    "If this number is enrolled in the programme, a sign-in code is on its way "
                    "by SMS. If nothing arrives, ask your community health centre to enrol you."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )


class CodeSignInView(knox_views.LoginView):
    """The SMS code for an expiring token (TOKEN_TTL_GUARDIAN_DAYS). A wrong or expired code
    and an unknown number get the same answer."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = (parsers.FormParser, BoundedJSONParser)
    throttle_scope = "sign_in"

    @extend_schema(request=CodeVerifySerializer, responses=TokenSerializer)
    def post(self, request, format=None):
        serializer = CodeVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = code_verify(str(data["phone"]), data["code"])
        if user is None:
            raise ValidationError(
                {"code": [_("This code is not right or has expired. Ask for a new code.")]}
            )
        request.user = user
        return super().post(request, format=format)

    def get_token_ttl(self):
        return timedelta(days=settings.TOKEN_TTL_GUARDIAN_DAYS)


class TokenRefreshView(knox_views.LoginView):
    """A fresh token for the one in use (its full lifetime again); the old one stops working.
    The app calls it when its token nears its expiry."""

    permission_classes = (IsAuthenticated,)
    parser_classes = (BoundedJSONParser,)

    @extend_schema(request=None, responses=TokenSerializer)
    def post(self, request, format=None):
        request.auth.delete()
        return super().post(request, format=format)

    def get_token_ttl(self):
        if self.request.user.role == User.Role.GUARDIAN:
            return timedelta(days=settings.TOKEN_TTL_GUARDIAN_DAYS)
        return timedelta(hours=settings.TOKEN_TTL_STAFF_HOURS)
