using System.Runtime.InteropServices;

namespace Cloud.OnnxRuntime.Native;

/// <summary>Reads a session's input/output signature and model metadata once, when the session is created.</summary>
internal static unsafe class SessionMetadataReader
{
    public static NodeMetadata[] ReadNodes(OrtApi api, nint session, bool isInput)
    {
        nuint count;
        api.Check(isInput ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count));
        var nodes = new NodeMetadata[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* name;
            api.Check(isInput
                ? api.SessionGetInputName(session, i, OrtEnvironment.Allocator, &name)
                : api.SessionGetOutputName(session, i, OrtEnvironment.Allocator, &name));
            var nodeName = OrtValues.TakeAllocatedString(api, name);

            nint typeInfo;
            api.Check(isInput
                ? api.SessionGetInputTypeInfo(session, i, &typeInfo)
                : api.SessionGetOutputTypeInfo(session, i, &typeInfo));
            using var typeInfoHandle = new OrtTypeInfoHandle(typeInfo);
            nodes[(int)i] = ReadNode(api, nodeName, typeInfo);
        }

        return nodes;
    }

    public static ModelMetadata ReadModelMetadata(OrtApi api, nint session)
    {
        nint metadata;
        api.Check(api.SessionGetModelMetadata(session, &metadata));
        using var handle = new OrtModelMetadataHandle(metadata);
        var allocator = OrtEnvironment.Allocator;
        byte* text;

        api.Check(api.ModelMetadataGetProducerName(metadata, allocator, &text));
        var producer = OrtValues.TakeAllocatedString(api, text);
        api.Check(api.ModelMetadataGetGraphName(metadata, allocator, &text));
        var graphName = OrtValues.TakeAllocatedString(api, text);
        api.Check(api.ModelMetadataGetGraphDescription(metadata, allocator, &text));
        var graphDescription = OrtValues.TakeAllocatedString(api, text);
        api.Check(api.ModelMetadataGetDomain(metadata, allocator, &text));
        var domain = OrtValues.TakeAllocatedString(api, text);
        api.Check(api.ModelMetadataGetDescription(metadata, allocator, &text));
        var description = OrtValues.TakeAllocatedString(api, text);
        long version;
        api.Check(api.ModelMetadataGetVersion(metadata, &version));

        return new ModelMetadata(producer, graphName, graphDescription, domain, description, version, ReadCustomMap(api, metadata));
    }

    private static NodeMetadata ReadNode(OrtApi api, string name, nint typeInfo)
    {
        OnnxValueType valueType;
        api.Check(api.GetOnnxTypeFromTypeInfo(typeInfo, &valueType));
        if (valueType != OnnxValueType.Tensor)
        {
            return new NodeMetadata(name, valueType, TensorElementType.Undefined, [], []);
        }

        // The tensor info belongs to the type info; it is not released separately.
        nint tensorInfo;
        api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        TensorElementType elementType;
        api.Check(api.GetTensorElementType(tensorInfo, &elementType));
        var dims = OrtValues.ReadDimensions(api, tensorInfo);
        var symbolic = new string[dims.Length];
        if (dims.Length > 0)
        {
            var pointers = new nint[dims.Length];
            fixed (nint* p = pointers)
            {
                api.Check(api.GetSymbolicDimensions(tensorInfo, (byte**)p, (nuint)dims.Length));
            }

            for (var d = 0; d < dims.Length; d++)
            {
                // The symbolic names are owned by the tensor info; copy them out.
                symbolic[d] = pointers[d] == 0 ? string.Empty : Marshal.PtrToStringUTF8(pointers[d]) ?? string.Empty;
            }
        }

        return new NodeMetadata(name, valueType, elementType, dims, symbolic);
    }

    private static Dictionary<string, string> ReadCustomMap(OrtApi api, nint metadata)
    {
        var allocator = OrtEnvironment.Allocator;
        byte** keys;
        long count;
        api.Check(api.ModelMetadataGetCustomMetadataMapKeys(metadata, allocator, &keys, &count));
        var map = new Dictionary<string, string>((int)count, StringComparer.Ordinal);
        if (keys == null)
        {
            return map;
        }

        try
        {
            for (long i = 0; i < count; i++)
            {
                var key = Marshal.PtrToStringUTF8((nint)keys[i]) ?? string.Empty;
                byte* value;
                api.Check(api.ModelMetadataLookupCustomMetadataMap(metadata, allocator, keys[i], &value));
                map[key] = OrtValues.TakeAllocatedString(api, value);
            }
        }
        finally
        {
            // Both the key strings and the array holding them were allocated with our allocator.
            for (long i = 0; i < count; i++)
            {
                api.Check(api.AllocatorFree(allocator, keys[i]));
            }

            api.Check(api.AllocatorFree(allocator, keys));
        }

        return map;
    }
}
