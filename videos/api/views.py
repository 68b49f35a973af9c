"""Jobs, batches and products: the API the embedded UI calls (contract: /api/schema/).

Every view reads and writes through `request.user.shop` (the shop the session token names), so another
shop's id is simply not found."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from videos.api import selectors as api_selectors
from videos.api import serializers as s
from videos.api.base import ShopAPIView, validated
from videos.jobs import selectors, services
from videos.jobs.errors import ServiceError
from videos.jobs.models import JobBatch


class ProductListView(ShopAPIView):
    @extend_schema(parameters=[s.ProductFilterSerializer], responses={200: s.ProductListSerializer})
    def get(self, request: Request) -> Response:
        params = validated(s.ProductFilterSerializer, request.query_params).validated_data
        page = api_selectors.product_page(self.shop, query=params.get("query") or None,
                                          after=params.get("after") or None, has_video=params.get("has_video"))
        return Response(s.ProductListSerializer(page).data)


class ProductDetailView(ShopAPIView):
    @extend_schema(responses={200: s.ProductDetailSerializer, 404: s.ErrorSerializer})
    def get(self, request: Request, product_id: int) -> Response:
        return Response(s.ProductDetailSerializer(asdict(api_selectors.product(self.shop, product_id))).data)


class JobPages(CursorPagination):
    page_size = 25
    ordering = ("-created_at", "-id")


class JobListView(ShopAPIView):
    @extend_schema(operation_id="jobs_list", parameters=[s.JobFilterSerializer], responses={200: s.JobListSerializer})
    def get(self, request: Request) -> Response:
        params = validated(s.JobFilterSerializer, request.query_params).validated_data
        product_id = params.get("product_id")
        jobs = selectors.shop_jobs(self.shop, status=params.get("status"),
                                   product_id=services.normalise_product_id(product_id) if product_id else None)
        paginator = JobPages()
        page = paginator.paginate_queryset(jobs, request, view=self)
        results = s.JobSerializer(page, many=True, context={"request": request}).data
        return Response({"results": results, "next": paginator.get_next_link()})

    @extend_schema(request=s.JobCreateSerializer, responses={201: s.JobSerializer, 402: s.ErrorSerializer,
                                                             404: s.ErrorSerializer, 409: s.ErrorSerializer,
                                                             422: s.ErrorSerializer})
    def post(self, request: Request) -> Response:
        data = validated(s.JobCreateSerializer, request.data)
        product = api_selectors.product_for_new_job(self.shop, data.validated_data["product_id"])
        photo = product.images[0].image_url if product.images else ""
        job = services.create_job(self.shop, data.validated_data["product_id"], data.option_values(),
                                  data.validated_data.get("instruction", ""), one_at_a_time=True,
                                  product_card=(product.title, photo or ""))
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
        data = validated(s.EditSerializer, request.data)
        return self.job_response(services.edit_job(source, data.validated_data["instruction"]), 201)


def batch_payload(batch: JobBatch) -> dict[str, Any]:
    # Plain rows, not a ModelSerializer: a batch may hold hundreds of jobs.
    jobs = batch.jobs.order_by("created_at", "pk").values(*s.JobSummarySerializer.Meta.fields)
    return {"id": batch.pk, **selectors.batch_summary(batch), "jobs": list(jobs)}


class BatchListView(ShopAPIView):
    """A batch is accepted whole, unlike a single job (which is refused early when its product is gone or has
    no photos): the ids come from the admin's own product selection, and a product that turns out unusable
    fails alone, with its reason in the batch's per-product list and its credit released, without holding
    back the others or making the merchant fix a selection of hundreds before any video starts."""

    @extend_schema(request=s.BatchCreateSerializer, responses={201: s.BatchSerializer, 402: s.ErrorSerializer})
    def post(self, request: Request) -> Response:
        data = validated(s.BatchCreateSerializer, request.data)
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
