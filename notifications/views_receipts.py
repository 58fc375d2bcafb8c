"""The SMS provider's delivery-receipt callback: POST JSON, signed with SMS_CALLBACK_SECRET.

403 when the signature is wrong or missing (or no secret is configured), 400 when the body is not a
report, 200 otherwise, also for a repeat (stored once) and for a message we do not know (kept, in case
it is one whose sending is still being written). Never a 500 for anything the caller sends.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications.services import receipt_record
from notifications.sms.receipts import MAX_BODY, MalformedReceiptError, receipt_parse
from notifications.sms.signing import META_KEY, signature_valid


@csrf_exempt  # the provider has no session; the body's HMAC signature is what is checked
@require_POST
def sms_receipt(request: HttpRequest) -> HttpResponse:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY:
        return HttpResponseBadRequest("body too large")
    body = request.body
    if not signature_valid(body, str(request.META.get(META_KEY, "")), settings.SMS_CALLBACK_SECRET):
        return HttpResponseForbidden("bad signature")
    try:
        report = receipt_parse(body)
    except MalformedReceiptError as exc:
        return HttpResponseBadRequest(str(exc))
    outcome = receipt_record(provider=settings.SMS_PROVIDER_NAME, report=report)
    return JsonResponse({"stored": outcome.stored, "known": outcome.message_found})
