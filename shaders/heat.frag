#version 330 core
// heat.frag - one job: a float texture through the shared colormap table (a 256-texel row per
// colormap), with nearest-neighbour cells and a faint grid once cells are large enough to need one.
// Compiled twice: as is, and with CS_HEAT_RGB defined (three planes as red, green, blue), because
// software rasterisers run both sides of a branch. texelFetch, not texture(): exact cells, and
// no filtering or wrapping work per pixel.
in vec2 v_uv;                          // texel coordinates (not normalised)
flat in vec4 v_map;
flat in vec2 v_extra;                  // texel rows between RGB planes; pixels per cell
uniform sampler2D u_values;            // R32F
uniform sampler2D u_cmap;              // 256 x rows RGB8
out vec4 o_color;

float norm(float v)
{
    // the same mapping as cs_value_range_normalize: clamp to [0, 1], NaN to 0
    float t = (v - v_map.x) / (v_map.y - v_map.x);
    return isnan(t) ? 0.0 : clamp(t, 0.0, 1.0);
}

vec3 cmap(float t)
{
    // texel index floor(t * 255 + 0.5), as cs_colormap_rgb rounds
    return texelFetch(u_cmap, ivec2(int(t * 255.0 + 0.5), int(v_map.z)), 0).rgb;
}

void main()
{
    ivec2 texel = ivec2(v_uv);
#ifdef CS_HEAT_RGB
    int plane = int(v_extra.x);
    vec3 rgb = vec3(norm(texelFetch(u_values, texel, 0).r), norm(texelFetch(u_values, texel + ivec2(0, plane), 0).r),
                    norm(texelFetch(u_values, texel + ivec2(0, 2 * plane), 0).r));
#else
    vec3 rgb = cmap(norm(texelFetch(u_values, texel, 0).r));
#endif
    vec2 f = fract(v_uv) * v_extra.y;
    if (v_extra.y >= 10.0 && min(f.x, f.y) < 1.0) rgb *= 0.8;
    o_color = vec4(rgb, 1.0);
}
