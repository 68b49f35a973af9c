"""Jobs, batches and products: the API the embedded UI calls (contract: docs/api.md and /api/schema/).

Every view reads and writes through `request.user.shop` (the shop the session token names), so another
shop's id is simply not found."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shopify_app import services as shopify_services
from shopify_app.admin_api import operations
from shopify_app.admin_api.errors import ShopifyError
from shopify_app.authentication import IsShopUser, SessionTokenAuthentication
from videos.api import serializers as s
from videos.api.errors import api_exception_handler
from videos.jobs import selectors, services
from videos.jobs.errors import ServiceError
from videos.jobs.models import JobBatch, VideoJob

PRODUCTS_PER_PAGE = 25


class ShopAPIView(APIView):
    authentication_classes = [SessionTokenAuthentication]
    permission_classes = [IsShopUser]
    parser_classes = [JSONParser]

    def get_exception_handler(self):  # noqa: ANN201 (DRF's hook)
        return api_exception_handler

    @property
    def shop(self):  # noqa: ANN201
        return self.request.user.shop

    def job_or_404(self, job_id: str) -> VideoJob:
        job = selectors.job_for(self.shop, job_id)
        if job is None:
            raise ServiceError("not_found", "This video does not exist (or belongs to another store).", status=404)
        return job

    def job_response(self, job: VideoJob, status: int = 200) -> Response:
        return Response(s.JobSerializer(job, context={"request": self.request}).data, status=status)


def _validated(serializer_class: type, data: Any) -> Any:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer


class ProductListView(ShopAPIView):
    @extend_schema(parameters=[s.ProductFilterSerializer], responses={200: s.ProductListSerializer})
    def get(self, request: Request) -> Response:
        params = _validated(s.ProductFilterSerializer, request.query_params).validated_data
        client = shopify_services.admin_client(self.shop)
        after = params.get("after") or None
        try:
            page = operations.list_products(client, first=PRODUCTS_PER_PAGE, after=after, query=params.get("query") or None)
        except ShopifyError as exc:
            if after and not exc.retryable and exc.status is None:
                raise ServiceError("invalid_cursor", "That page of products is no longer available; start from the "
                                   "first page.", fields={"after": ["unknown cursor"]}) from None
            raise
        ids = [p.id for p in page.products]
        latest = selectors.latest_jobs(self.shop, ids)
        with_video = selectors.products_with_video(self.shop, ids)
        products = []
        for product in page.products:
            has_video = product.id in with_video
            if params.get("has_video") is not None and params["has_video"] != has_video:
                continue
            job = latest.get(product.id)
            products.append({
                "id": product.id, "title": product.title, "thumbnail_url": product.preview_url,
                "price": str(product.price) if product.price is not None else None, "currency": product.currency,
                "has_video": has_video,
                "latest_job": {"id": job.pk, "status": job.status, "progress": job.progress} if job else None,
            })
        next_cursor = page.end_cursor if page.has_next_page else None
        return Response(s.ProductListSerializer({"products": products, "next_cursor": next_cursor}).data)


class JobPages(CursorPagination):
    page_size = 25
    ordering = ("-created_at", "-id")


class JobListView(ShopAPIView):
    @extend_schema(operation_id="jobs_list", parameters=[s.JobFilterSerializer], responses={200: s.JobListSerializer})
    def get(self, request: Request) -> Response:
        params = _validated(s.JobFilterSerializer, request.query_params).validated_data
        product_id = params.get("product_id")
        jobs = selectors.shop_jobs(self.shop, status=params.get("status"),
                                   product_id=services.normalise_product_id(product_id) if product_id else None)
        paginator = JobPages()
        page = paginator.paginate_queryset(jobs, request, view=self)
        results = s.JobSerializer(page, many=True, context={"request": request}).data
        return Response({"results": results, "next": paginator.get_next_link()})

    @extend_schema(request=s.JobCreateSerializer, responses={201: s.JobSerializer, 402: s.ErrorSerializer})
    def post(self, request: Request) -> Response:
        data = _validated(s.JobCreateSerializer, request.data)
        job = services.create_job(self.shop, data.validated_data["product_id"], data.option_values(),
                                  data.validated_data.get("instruction", ""))
        return self.job_response(job, 201)


class JobDetailView(ShopAPIView):
    @extend_schema(operation_id="jobs_detail", responses={200: s.JobSerializer})
    def get(self, request: Request, job_id: str) -> Response:
        return self.job_response(self.job_or_404(job_id))


class JobCancelView(ShopAPIView):
    @extend_schema(request=None, responses={200: s.JobSerializer, 409: s.ErrorSerializer})
    def post(self, request: Request, job_id: str) -> Response:
        return self.job_response(services.cancel_job(self.job_or_404(job_id)))


class JobRetryView(ShopAPIView):
    @extend_schema(request=None, responses={200: s.JobSerializer, 402: s.ErrorSerializer, 409: s.ErrorSerializer})
    def post(self, request: Request, job_id: str) -> Response:
        return self.job_response(services.retry_job(self.job_or_404(job_id)))


class JobPublishView(ShopAPIView):
    @extend_schema(request=None, responses={200: s.JobSerializer, 409: s.ErrorSerializer})
    def post(self, request: Request, job_id: str) -> Response:
        return self.job_response(services.publish_job(self.job_or_404(job_id)))


class JobEditView(ShopAPIView):
    @extend_schema(request=s.EditSerializer, responses={201: s.JobSerializer, 402: s.ErrorSerializer})
    def post(self, request: Request, job_id: str) -> Response:
        source = self.job_or_404(job_id)
        data = _validated(s.EditSerializer, request.data)
        return self.job_response(services.edit_job(source, data.validated_data["instruction"]), 201)


def batch_payload(batch: JobBatch) -> dict[str, Any]:
    # Plain rows, not a ModelSerializer: a batch may hold hundreds of jobs.
    jobs = batch.jobs.order_by("created_at", "pk").values(*s.JobSummarySerializer.Meta.fields)
    return {"id": batch.pk, **selectors.batch_summary(batch), "jobs": list(jobs)}


class BatchListView(ShopAPIView):
    @extend_schema(request=s.BatchCreateSerializer, responses={201: s.BatchSerializer, 402: s.ErrorSerializer})
    def post(self, request: Request) -> Response:
        data = _validated(s.BatchCreateSerializer, request.data)
        batch = services.create_batch(self.shop, data.validated_data["product_ids"], data.option_values(),
                                      data.validated_data.get("instruction", ""))
        return Response(batch_payload(batch), status=201)


class BatchDetailView(ShopAPIView):
    @extend_schema(responses={200: s.BatchSerializer},
                   parameters=[OpenApiParameter("batch_id", str, OpenApiParameter.PATH)])
    def get(self, request: Request, batch_id: str) -> Response:
        batch = selectors.batch_for(self.shop, batch_id)
        if batch is None:
            raise ServiceError("not_found", "This batch does not exist (or belongs to another store).", status=404)
        return Response(batch_payload(batch))
