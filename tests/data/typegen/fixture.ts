export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  fixture: {
    Tables: {
      children: {
        Row: {
          id: string
          other: number | null
          thing_id: number
        }
        Insert: {
          id: string
          other?: number | null
          thing_id: number
        }
        Update: {
          id?: string
          other?: number | null
          thing_id?: number
        }
        Relationships: [
          {
            foreignKeyName: "children_other_fkey"
            columns: ["other"]
            isOneToOne: false
            referencedRelation: "nested"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_other_fkey"
            columns: ["other"]
            isOneToOne: false
            referencedRelation: "things"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_other_fkey"
            columns: ["other"]
            isOneToOne: false
            referencedRelation: "things_view"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_other_fkey"
            columns: ["other"]
            isOneToOne: false
            referencedRelation: "things_view2"
            referencedColumns: ["thing"]
          },
          {
            foreignKeyName: "children_thing_id_fkey"
            columns: ["thing_id"]
            isOneToOne: true
            referencedRelation: "nested"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_thing_id_fkey"
            columns: ["thing_id"]
            isOneToOne: true
            referencedRelation: "things"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_thing_id_fkey"
            columns: ["thing_id"]
            isOneToOne: true
            referencedRelation: "things_view"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_thing_id_fkey"
            columns: ["thing_id"]
            isOneToOne: true
            referencedRelation: "things_view2"
            referencedColumns: ["thing"]
          },
        ]
      }
      things: {
        Row: {
          byd: number
          colors: Database["fixture"]["Enums"]["color"][]
          created: string | null
          g: number | null
          id: number
          j: Json | null
          jb: NonNullable<Json>
          label: string | null
          mood: Database["fixture"]["Enums"]["mood"]
          moods: Database["fixture"]["Enums"]["mood"][] | null
          n: number | null
          p: Database["fixture"]["CompositeTypes"]["pair"] | null
          tags: string[] | null
        }
        Insert: {
          byd?: number
          colors?: Database["fixture"]["Enums"]["color"][]
          created?: string | null
          g?: never
          id?: never
          j?: Json | null
          jb?: NonNullable<Json>
          label?: string | null
          mood: Database["fixture"]["Enums"]["mood"]
          moods?: Database["fixture"]["Enums"]["mood"][] | null
          n?: number | null
          p?: Database["fixture"]["CompositeTypes"]["pair"] | null
          tags?: string[] | null
        }
        Update: {
          byd?: number
          colors?: Database["fixture"]["Enums"]["color"][]
          created?: string | null
          g?: never
          id?: never
          j?: Json | null
          jb?: NonNullable<Json>
          label?: string | null
          mood?: Database["fixture"]["Enums"]["mood"]
          moods?: Database["fixture"]["Enums"]["mood"][] | null
          n?: number | null
          p?: Database["fixture"]["CompositeTypes"]["pair"] | null
          tags?: string[] | null
        }
        Relationships: []
      }
    }
    Views: {
      agg: {
        Row: {
          c: number | null
        }
        Relationships: []
      }
      children_view: {
        Row: {
          id: string | null
          "Other id": number | null
          thing_id: number | null
        }
        Insert: {
          id?: string | null
          "Other id"?: number | null
          thing_id?: number | null
        }
        Update: {
          id?: string | null
          "Other id"?: number | null
          thing_id?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "children_other_fkey"
            columns: ["Other id"]
            isOneToOne: false
            referencedRelation: "nested"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_other_fkey"
            columns: ["Other id"]
            isOneToOne: false
            referencedRelation: "things"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_other_fkey"
            columns: ["Other id"]
            isOneToOne: false
            referencedRelation: "things_view"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_other_fkey"
            columns: ["Other id"]
            isOneToOne: false
            referencedRelation: "things_view2"
            referencedColumns: ["thing"]
          },
          {
            foreignKeyName: "children_thing_id_fkey"
            columns: ["thing_id"]
            isOneToOne: true
            referencedRelation: "nested"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_thing_id_fkey"
            columns: ["thing_id"]
            isOneToOne: true
            referencedRelation: "things"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_thing_id_fkey"
            columns: ["thing_id"]
            isOneToOne: true
            referencedRelation: "things_view"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "children_thing_id_fkey"
            columns: ["thing_id"]
            isOneToOne: true
            referencedRelation: "things_view2"
            referencedColumns: ["thing"]
          },
        ]
      }
      nested: {
        Row: {
          id: number | null
          label: string | null
          n_children: number | null
        }
        Relationships: []
      }
      things_view: {
        Row: {
          id: number | null
          label: string | null
          mood: Database["fixture"]["Enums"]["mood"] | null
        }
        Insert: {
          id?: number | null
          label?: string | null
          mood?: Database["fixture"]["Enums"]["mood"] | null
        }
        Update: {
          id?: number | null
          label?: string | null
          mood?: Database["fixture"]["Enums"]["mood"] | null
        }
        Relationships: []
      }
      things_view2: {
        Row: {
          label: string | null
          thing: number | null
        }
        Insert: {
          label?: string | null
          thing?: number | null
        }
        Update: {
          label?: string | null
          thing?: number | null
        }
        Relationships: []
      }
    }
    Functions: {
      add_two: { Args: { a: number; b: number }; Returns: number }
      many_args: {
        Args: {
          first_argument_name: string
          second_argument_name: number
          third_argument_name?: boolean
        }
        Returns: string[]
      }
      nothing: { Args: Record<PropertyKey, never>; Returns: undefined }
      stats: {
        Args: Record<PropertyKey, never>
        Returns: {
          kind: string
          total: number
        }[]
      }
    }
    Enums: {
      color: "red" | "green"
      mood:
        | "happy"
        | "sad"
        | "a rather long label that goes on"
        | "another long label here"
    }
    CompositeTypes: {
      pair: {
        a: number | null
        b: string | null
      }
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  fixture: {
    Enums: {
      color: ["red", "green"],
      mood: [
        "happy",
        "sad",
        "a rather long label that goes on",
        "another long label here",
      ],
    },
  },
} as const

