"""Application Auto Scaling: a scalable target with one CPU target-tracking policy.

Shared by the families that scale on CPU (ECS services, Aurora readers).
"""

from __future__ import annotations

from typing import Any

from troposphere import applicationautoscaling as aas

from archc.compiler.context import Context, Unit


def cpu_target_tracking(
    ctx: Context, rid: str, *, namespace: str, dimension: str, resource_id: Any, capacity: tuple[int, int],
    target_percent: int, metric: str, scale_in_cooldown: int, scale_out_cooldown: int,
) -> Unit:
    """Add the scalable target of *rid* (between *capacity* min and max) and its CPU policy;
    return the target's unit (callers may add dependencies to it)."""
    target = ctx.new_id(rid, "ScalableTarget")
    unit = ctx.add(aas.ScalableTarget(target, MinCapacity=capacity[0], MaxCapacity=capacity[1], ServiceNamespace=namespace,
                                      ScalableDimension=dimension, ResourceId=resource_id), rid)
    ctx.add(aas.ScalingPolicy(ctx.new_id(rid, "CpuScaling"), PolicyName=f"{ctx.main[rid]}-cpu", PolicyType="TargetTrackingScaling",
                              ScalingTargetId=ctx.ref(target),
                              TargetTrackingScalingPolicyConfiguration=aas.TargetTrackingScalingPolicyConfiguration(
                                  TargetValue=float(target_percent), ScaleInCooldown=scale_in_cooldown, ScaleOutCooldown=scale_out_cooldown,
                                  PredefinedMetricSpecification=aas.PredefinedMetricSpecification(PredefinedMetricType=metric))), rid)
    return unit
