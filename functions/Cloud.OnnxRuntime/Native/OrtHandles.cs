using System.Runtime.InteropServices;

namespace Cloud.OnnxRuntime.Native;

/// <summary>
/// Base of the SafeHandles that own long-lived ORT objects (sessions, options, metadata). The short-lived
/// OrtValues of one Run are released in that Run's finally block instead: a SafeHandle per value per call
/// would cost an allocation and a finalizer registration on the hot path for no extra safety.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(nint handle)
        : base(0, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;
}

internal sealed unsafe class OrtSessionHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseSession(handle);
        return true;
    }
}

internal sealed unsafe class OrtSessionOptionsHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseSessionOptions(handle);
        return true;
    }
}

internal sealed unsafe class OrtTypeInfoHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseTypeInfo(handle);
        return true;
    }
}

internal sealed unsafe class OrtModelMetadataHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseModelMetadata(handle);
        return true;
    }
}

internal sealed unsafe class OrtRunOptionsHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseRunOptions(handle);
        return true;
    }
}

internal sealed unsafe class OrtCudaProviderOptionsHandle(nint handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseCUDAProviderOptions(handle);
        return true;
    }
}
