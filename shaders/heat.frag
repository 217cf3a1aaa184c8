#version 330 core
// heat.frag - one job: a float texture through the shared colormap table (a 256-texel row per
// colormap), with nearest-neighbour cells and a faint grid once cells are large enough to need one.
// Compiled twice: as is, and with CS_HEAT_RGB defined (three planes as red, green, blue), because
// software rasterisers run both sides of a branch.
in vec2 v_uv;
flat in vec4 v_map;
flat in vec2 v_extra;                  // v offset between RGB planes; pixels per cell
uniform sampler2D u_values;            // R32F, nearest filtering
uniform sampler2D u_cmap;              // 256 x rows RGB8, nearest filtering
uniform float u_cmap_rows;
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
    vec2 uv = vec2((floor(t * 255.0 + 0.5) + 0.5) / 256.0, (v_map.z + 0.5) / u_cmap_rows);
    return texture(u_cmap, uv).rgb;
}

void main()
{
#ifdef CS_HEAT_RGB
    vec3 rgb = vec3(norm(texture(u_values, v_uv).r), norm(texture(u_values, v_uv + vec2(0.0, v_extra.x)).r),
                    norm(texture(u_values, v_uv + vec2(0.0, 2.0 * v_extra.x)).r));
#else
    vec3 rgb = cmap(norm(texture(u_values, v_uv).r));
#endif
    if (v_extra.y >= 10.0) {
        vec2 f = fract(v_uv * vec2(textureSize(u_values, 0))) * v_extra.y;
        if (min(f.x, f.y) < 1.0) rgb *= 0.8;
    }
    o_color = vec4(rgb, 1.0);
}
